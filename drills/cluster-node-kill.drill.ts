import { waitFor } from '@app/testing';
import { connect } from 'amqplib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mongoose';
import { parseKnowledgeBaseFile } from '../apps/report-worker/src/knowledge-base/knowledge-base-file.parser';
import { httpStatus } from './support/app.process';
import { Drill, DrillResult, LivenessGap } from './support/drill-result';
import { EventHarness } from './support/event.harness';
import { pacedPost } from './support/event-load.generator';
import {
  clusterNodePid,
  clusterUrl,
  clusterUrls,
  connectionsPerNode,
  deleteClusterObjects,
  startCluster,
} from './support/rabbitmq-cluster';
import { ReportHarness } from './support/report.harness';
import { mongoUri, ROOT, sleep } from './support/stack.env';

const REPORTS = Number(process.env.DRILL_CLUSTER_REPORTS ?? 1500);
const RATE = Number(process.env.DRILL_CLUSTER_EVENT_RATE ?? 300);
const DOWN_MS = Number(process.env.DRILL_CLUSTER_DOWN_SECONDS ?? 15) * 1000;
/** The drill's own publisher and counters live on this node, so the node the apps use can be killed under them. */
const DRILL_NODE = 3;

/** The report pipeline on the cluster: the apps get the three nodes, the drill's client node 3. */
class ClusterReportHarness extends ReportHarness {
  override env(): Record<string, string> {
    return { ...super.env(), RABBITMQ_URL: clusterUrls() };
  }

  override async open(llmLatencyMs = 200): Promise<this> {
    await this.llm.start();
    this.llm.setLatency(llmLatencyMs);
    await this.amqp.connect(clusterUrl(DRILL_NODE));
    const db = await createConnection(mongoUri(this.database)).asPromise();
    await db
      .collection('knowledge_base')
      .insertMany(parseKnowledgeBaseFile(readFileSync(join(ROOT, 'data/knowledge-base/sample.json'), 'utf8')));
    await db.close();
    return this;
  }
}

/** The event pipeline on the cluster; its DLQ read through the drill's node. */
class ClusterEventHarness extends EventHarness {
  override env(): Record<string, string> {
    return { ...super.env(), RABBITMQ_URL: clusterUrls() };
  }

  override async deadLettered(): Promise<number> {
    const connection = await connect(clusterUrl(DRILL_NODE));
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      return (await channel.checkQueue(`${this.prefix}.dlq`)).messageCount;
    } finally {
      await connection.close().catch(() => undefined);
    }
  }
}

/**
 * The 3-node cluster: the event API, a Neo4j worker and a report worker with RABBITMQ_URL listing
 * the three nodes; under report and event load the node their connections are on is killed with
 * SIGKILL (no clean shutdown) and started again 15 s later. Quorum queues keep every confirmed
 * message on the other two: nothing accepted is lost, nothing takes effect twice, no app exits.
 */
export const clusterNodeKillDrill: Drill = {
  name: 'cluster-node-kill',
  async run(): Promise<DrillResult> {
    const started = Date.now();
    const reports = await new ClusterReportHarness('clusterkill').open(200);
    const events = await new ClusterEventHarness('clusterkill').start();
    let nodeBack!: () => void;
    const back = new Promise<void>((resolve) => (nodeBack = resolve));
    try {
      const worker = await reports.addWorker();
      await reports.waitReady(worker);
      const loadStart = Date.now();
      const load = pacedPost({
        url: `${events.apiUrl}/events`,
        rate: RATE,
        seconds: 10,
        extendUntil: back,
        tailSeconds: 15,
        body: (i) => events.event(i),
      });
      await reports.publish(REPORTS);
      await waitFor(() => reports.answered() >= REPORTS * 0.15, { timeoutMs: 300_000, intervalMs: 100 });
      const perNode = await connectionsPerNode(DRILL_NODE);
      // The drill's own connections (its publisher, the admin reads) sit on node 3; the apps' elsewhere.
      const target = [...perNode].filter(([n]) => n !== DRILL_NODE).sort((a, b) => b[1] - a[1])[0]?.[0];
      if (target === undefined)
        throw new Error(`no app connection on nodes 1-2 (connections per node: ${JSON.stringify([...perNode])})`);
      const pid = clusterNodePid(target);
      const apiLive = new LivenessGap(events.api.healthUrl!.replace(/\/ready$/, '/live'), httpStatus).start();
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      await sleep(5000);
      const perNodeAfter = await connectionsPerNode(DRILL_NODE).catch(() => undefined);
      await sleep(DOWN_MS - 5000);
      const restartAt = Date.now();
      await startCluster();
      const backAt = Date.now();
      nodeBack();
      const outcome = await load;
      apiLive.stop();
      await waitFor(() => reports.answered() === REPORTS, {
        timeoutMs: 600_000,
        intervalMs: 250,
        description: 'every report request answered',
      }).catch(() => undefined);

      const accepted = [...outcome.statuses].filter(([, s]) => s === 202).map(([id]) => id);
      const other = [...outcome.statuses.values()].filter((s) => s !== 202 && s !== 503).length;
      const refused = [...outcome.statuses.values()].filter((s) => s === 503).length;
      let previous = -1;
      await waitFor(
        async () => {
          const { receipts } = await events.graph();
          const done = accepted.every((id) => receipts.has(id)) || receipts.size === previous;
          previous = receipts.size;
          return done;
        },
        { timeoutMs: 180_000, intervalMs: 3000, description: 'accepted events in Neo4j' },
      );
      const { receipts, interactions } = await events.graph();
      const eventsLost = accepted.filter((id) => !receipts.has(id)).length;
      const eventsDlq = await events.deadLettered();
      const count = await reports.count();
      const first202 = outcome.timeline
        .filter(([at, s]) => at >= killedAt && s === 202)
        .map(([at]) => at)
        .sort((a, b) => a - b)[0];
      const answerTimes = [killedAt, ...outcome.timeline.map(([at]) => at).filter((at) => at >= killedAt)].sort(
        (a, b) => a - b,
      );
      const gap = answerTimes.reduce(
        (g, at, i) =>
          i && at - answerTimes[i - 1] > g.ms ? { ms: at - answerTimes[i - 1], from: answerTimes[i - 1] } : g,
        { ms: 0, from: killedAt },
      );
      const repeatedAgree = [...reports.responses.values()]
        .filter((list) => list.length > 1)
        .every((list) => list.every((r) => r.report_id === list[0].report_id));
      return {
        drill: 'cluster-node-kill',
        load: `3-node cluster (quorum queues); ${REPORTS} report requests (1 worker, fake LLM 200 ms); ${RATE} events/s into POST /events, 1 Neo4j worker; apps given the three node URLs`,
        fault: `SIGKILL of node ${target} (${perNode.get(target)} connections on it) at ${((killedAt - loadStart) / 1000).toFixed(0)} s of event load, started again after ${DOWN_MS / 1000} s (start ${((backAt - restartAt) / 1000).toFixed(1)} s)`,
        sent: reports.published.sent + outcome.sent,
        confirmed: reports.published.confirmed + accepted.length,
        stored: count.stored + receipts.size,
        duplicates: count.storedTwice + (interactions - receipts.size),
        lost: REPORTS - count.succeeded + eventsLost,
        deadLettered: count.dlq + eventsDlq,
        recovery:
          first202 === undefined
            ? 'no 202 after the kill'
            : `202s again ${(Math.max(0, first202 - killedAt) / 1000).toFixed(1)} s after the kill`,
        checks: {
          'every report request confirmed by the broker': reports.published.confirmed === REPORTS,
          'every report request answered success, stored once':
            count.succeeded === REPORTS && count.stored === REPORTS && count.storedTwice === 0,
          'repeated responses carry the same report_id': repeatedAgree,
          'every 202 is in Neo4j, counted once': eventsLost === 0 && interactions === receipts.size,
          'only 202 or 503 answered': other === 0,
          'nothing dead-lettered': count.dlq === 0 && eventsDlq === 0,
        },
        notes: [
          `connections per node before the kill: ${[...perNode].map(([n, c]) => `node ${n}: ${c}`).join(', ')} (the drill's own on node ${DRILL_NODE})`,
          `connections per node 5 s after the kill: ${perNodeAfter ? [...perNodeAfter].map(([n, c]) => `node ${n}: ${c}`).join(', ') : 'unreadable'}; longest time without any answer to POST /events: ${(gap.ms / 1000).toFixed(1)} s from ${((gap.from - killedAt) / 1000).toFixed(1)} s after the kill (node started again at ${((restartAt - killedAt) / 1000).toFixed(1)} s, answering at ${((backAt - killedAt) / 1000).toFixed(1)} s)`,
          `API liveness (/health/live every 250 ms from the kill on): longest time between two answers ${(apiLive.longestMs / 1000).toFixed(1)} s, from ${((apiLive.longestFrom - killedAt) / 1000).toFixed(1)} s after the kill`,
          `events: ${accepted.length} × 202, ${refused} × 503, ${other} other answers/connection errors, ${outcome.skipped} scheduled but not sent (2,000 already waiting for an answer); ${eventsLost} accepted not in Neo4j`,
          `reports: ${count.extraResponses} repeated responses; ${count.missing} not stored`,
        ],
        seconds: (Date.now() - started) / 1000,
      };
    } finally {
      nodeBack(); // ends the event load's extension if the drill stopped before the node was back
      await startCluster().catch(() => undefined);
      await events.close();
      await reports.close();
      for (const prefix of [events.prefix, reports.queue.replace(/requests$/, '')])
        await deleteClusterObjects(prefix, DRILL_NODE).catch(() => undefined);
    }
  },
};
