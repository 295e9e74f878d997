import { EVENT_HEADERS } from '@app/contracts';
import { QueueAdminService, RECOPY_AT_DELIVERIES } from '@app/messaging/queue-admin.service';
import { serviceUrls, uniqueName, waitFor } from '@app/testing';
import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { ChannelModel, ConfirmChannel, connect } from 'amqplib';

/**
 * RabbitMQ 4.0 to 4.2 give every quorum queue a delivery limit (20) and drop a message past it when
 * the queue has no dead-letter target, as a DLQ has none; a message an operator only looked at comes
 * back with one more delivery. The broker here (3.x) has no default limit, so the queue sets one.
 */
const DELIVERY_LIMIT = RECOPY_AT_DELIVERIES + 2;
const LOOKS = DELIVERY_LIMIT * 3;

describe("dead-letter queues in an operator's hands (QueueAdminService, real broker)", () => {
  jest.setTimeout(60_000);
  let amqp: AmqpConnection;
  let admin: QueueAdminService;
  let client: ChannelModel;
  let channel: ConfirmChannel;

  beforeAll(async () => {
    amqp = new AmqpConnection({ uri: serviceUrls.rabbitmq, connectionInitOptions: { wait: true } });
    await amqp.init();
    admin = new QueueAdminService(amqp);
    client = await connect(serviceUrls.rabbitmq);
    channel = await client.createConfirmChannel();
  });

  afterAll(async () => {
    await client.close();
    await amqp.close();
  });

  describe('looked at again and again', () => {
    let queue: string;
    const bodies = ['letter-a', 'letter-b', 'letter-c'];

    beforeEach(async () => {
      queue = uniqueName('dlq_peeks');
      await channel.assertQueue(queue, {
        durable: true,
        arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': DELIVERY_LIMIT },
      });
      for (const body of bodies)
        channel.sendToQueue(queue, Buffer.from(JSON.stringify({ body })), {
          persistent: true,
          messageId: body,
          headers: { 'x-dead-letter-reason': 'kept for the operator' },
        });
      await channel.waitForConfirms();
    });

    afterEach(() => channel.deleteQueue(queue));

    /** Every letter is back in the queue, once: a closed channel's unacked messages return a moment after its close. */
    async function expectAllLetters(expected = bodies): Promise<void> {
      await waitFor(async () => (await channel.checkQueue(queue)).messageCount === expected.length, {
        description: `${expected.length} letters back in the queue`,
      });
      expect((await admin.peek(queue, 100)).map((letter) => letter.message_id).sort()).toEqual(expected);
    }

    it(`keeps every letter through ${LOOKS} peeks, with its headers`, async () => {
      for (let look = 0; look < LOOKS; look++) {
        const letters = await admin.peek(queue, 10);
        expect(letters.map((letter) => letter.message_id).sort()).toEqual(bodies);
      }
      await expectAllLetters();
      const [letter] = await admin.peek(queue, 1);
      expect(letter.headers).toMatchObject({ 'x-dead-letter-reason': 'kept for the operator' });
      expect(letter.body).toEqual({ body: letter.message_id });
    });

    it('keeps the letters a discard scans past, and removes the one it names', async () => {
      for (let look = 0; look < LOOKS; look++)
        expect(await admin.discard(queue, 'not-there', 10)).toEqual({ queue, discarded: 0 });
      await expectAllLetters();
      expect(await admin.discard(queue, 'letter-c', 10)).toEqual({ queue, discarded: 1 });
      await expectAllLetters(['letter-a', 'letter-b']);
    });

    it('keeps the letters a replay skips for want of a known origin', async () => {
      for (let look = 0; look < LOOKS; look++)
        expect(await admin.replay(queue, 10, ['some.sink'])).toEqual({ replayed: 0, skipped: bodies.length });
      await expectAllLetters();
    });
  });

  describe('replayed while a sink queue is gone', () => {
    let dlq: string;
    let present: string;
    let gone: string;

    beforeAll(async () => {
      dlq = uniqueName('replay_dlq');
      present = uniqueName('replay_sink_present');
      gone = uniqueName('replay_sink_gone');
      for (const queue of [dlq, present])
        await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      for (const [id, origin] of [
        ['e1', present],
        ['e2', gone],
        ['e3', present],
      ])
        channel.sendToQueue(dlq, Buffer.from(JSON.stringify({ event_id: id })), {
          persistent: true,
          messageId: id,
          headers: { [EVENT_HEADERS.originalQueue]: origin },
        });
      await channel.waitForConfirms();
    });

    afterAll(async () => {
      for (const queue of [dlq, present]) await channel.deleteQueue(queue);
    });

    it('moves the letters whose sink queue exists and keeps the others in the DLQ', async () => {
      expect(await admin.replay(dlq, 10, [present, gone])).toEqual({ replayed: 2, skipped: 1 });
      await waitFor(async () => (await channel.checkQueue(dlq)).messageCount === 1, { description: 'one letter left' });
      expect((await admin.peek(dlq, 10)).map((letter) => letter.message_id)).toEqual(['e2']);
      expect((await channel.checkQueue(present)).messageCount).toBe(2);
    });
  });
});
