import { waitFor } from '@app/testing';
import { connect } from 'amqplib';
import { Drill, DrillResult } from './support/drill-result';
import { EventHarness } from './support/event.harness';
import { pacedPost } from './support/event-load.generator';
import { sleep, stack } from './support/stack.env';

const RATE = Number(process.env.DRILL_SINK_EVENT_RATE ?? 300);
const SECONDS = Number(process.env.DRILL_SINK_EVENT_SECONDS ?? 30);

/**
 * An operator deletes the Neo4j sink queue (`<prefix>.neo4j`) once while the worker consumes it,
 * under a paced POST /events load. The worker must subscribe again (the broker cancels its
 * consumer; it declares the queue afresh) without exiting, and every event answered 202 once the
 * queue is back must be written exactly once. The events that were in the queue at its deletion
 * are the operator's loss, counted apart from the pipeline's.
 */
export const sinkQueueDeletedDrill: Drill = {
  name: 'sink-queue-deleted',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const harness = await new EventHarness('sinkdel').start();
    const connection = await connect(stack.rabbitmq);
    connection.on('error', () => undefined);
    try {
      const queue = `${harness.prefix}.neo4j`;
      const sentAt: number[] = [];
      const loadStart = Date.now();
      const load = pacedPost({
        url: `${harness.apiUrl}/events`,
        rate: RATE,
        seconds: SECONDS,
        body: (i) => {
          sentAt[i] = Date.now();
          return harness.event(i);
        },
      });
      await sleep((SECONDS * 1000) / 3);
      const consumersBefore = (await harness.queueInfo('neo4j')).consumers;
      const channel = await connection.createChannel();
      const deletedAt = Date.now();
      const { messageCount: inQueueAtDeletion } = await channel.deleteQueue(queue);
      await channel.close();
      const backAt = await waitFor(
        async () => {
          const info = await harness.queueInfo('neo4j');
          return info.messages >= 0 && info.consumers === 1 ? Date.now() : 0;
        },
        { timeoutMs: 60_000, intervalMs: 100, description: 'neo4j queue consumed again' },
      ).catch(() => undefined);
      const outcome = await load;

      const idOf = (i: number) => harness.event(i).event_id;
      const accepted = (i: number) => outcome.statuses.get(idOf(i)) === 202;
      const indexes = [...Array(outcome.sent).keys()].filter((i) => sentAt[i] !== undefined);
      const before = indexes.filter((i) => sentAt[i] < deletedAt && accepted(i));
      const window = indexes.filter(
        (i) => sentAt[i] >= deletedAt && (backAt === undefined || sentAt[i] < backAt) && accepted(i),
      );
      const after = backAt === undefined ? [] : indexes.filter((i) => sentAt[i] >= backAt && accepted(i));
      const allAccepted = [...before, ...window, ...after].map(idOf);

      let previous = -1;
      await waitFor(
        async () => {
          const { receipts } = await harness.graph();
          const done = after.every((i) => receipts.has(idOf(i))) || receipts.size === previous;
          previous = receipts.size;
          return done;
        },
        { timeoutMs: 180_000, intervalMs: 3000, description: 'accepted events in Neo4j' },
      );
      const { receipts, interactions } = await harness.graph();
      const missing = (list: number[]) => list.filter((i) => !receipts.has(idOf(i))).length;
      const lostAfter = missing(after);
      const lostBefore = missing(before);
      const lostWindow = missing(window);
      const dlq = await harness.deadLettered();
      const resubscribed =
        harness.worker!.output().split('consumer cancelled by the broker; subscribing again').length - 1;
      const other = [...outcome.statuses.values()].filter((s) => s !== 202 && s !== 503).length;
      const refused = [...outcome.statuses.values()].filter((s) => s === 503).length;
      return {
        drill: 'sink-queue-deleted',
        load: `${RATE} events/s × ${SECONDS} s into POST /events (paced, keep-alive), 1 Neo4j worker`,
        fault: `queue ${harness.prefix.slice(0, 5)}….neo4j deleted once at ${((deletedAt - loadStart) / 1000).toFixed(0)} s of load (${inQueueAtDeletion} events in it)`,
        sent: outcome.sent,
        confirmed: allAccepted.length,
        stored: receipts.size,
        duplicates: interactions - receipts.size,
        lost: lostAfter,
        deadLettered: dlq,
        recovery:
          backAt === undefined
            ? 'never consumed again'
            : `consumer back ${((backAt - deletedAt) / 1000).toFixed(1)} s after the deletion`,
        checks: {
          'consumed before the deletion': consumersBefore === 1,
          'the worker subscribes again (consumer count 1)': backAt !== undefined,
          'every event sent after the queue is back and answered 202 is in Neo4j':
            backAt !== undefined && after.length > 0 && lostAfter === 0,
          'each event counted once in the graph': interactions === receipts.size,
          'the worker never exits': harness.worker!.running && harness.worker!.starts === 1,
          'nothing dead-lettered': dlq === 0,
        },
        notes: [
          `lost by the operator's deletion, not counted as lost: ${inQueueAtDeletion} events in the queue when it was deleted; not in Neo4j: ${lostBefore} of ${before.length} events sent before the deletion and answered 202 (those in the queue, plus those the API published as it went), ${lostWindow} of ${window.length} sent between the deletion and the new subscription and answered 202 (routed only to the other sink's queue while the Neo4j queue did not exist)`,
          `${after.length} sent after the queue was consumed again and answered 202, ${lostAfter} not in Neo4j; worker log: ${resubscribed} × "subscribing again"`,
          `${refused} answered 503, ${other} other answers/connection errors, ${outcome.skipped} not sent`,
        ],
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      await connection.close().catch(() => undefined);
      await harness.close();
    }
  },
};
