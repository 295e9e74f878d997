import { OversizedMessage, REPORT_GENERATE_EVENT_ROUTE } from '@app/contracts';
import { ReportRmqServer } from './report-rmq.server';

const LIMIT = 1024;

function consumerWith(handler: (body: unknown, context: unknown) => Promise<undefined>): ReportRmqServer {
  const consumer = new ReportRmqServer({
    urls: ['amqp://127.0.0.1:1'],
    queue: 'requests',
    queueOptions: { durable: true },
    prefetchCount: 4,
    consumerTag: 'worker-1',
    declarations: [],
    drainTimeoutMs: 100,
    maxMessageBytes: LIMIT,
  });
  consumer.addHandler(REPORT_GENERATE_EVENT_ROUTE, handler, true);
  return consumer;
}

/** A delivery as amqplib hands it over, published raw to the request queue. */
function delivery(content: Buffer): Record<string, unknown> {
  return {
    content,
    fields: { consumerTag: 'worker-1', deliveryTag: 1, redelivered: false, exchange: '', routingKey: 'requests' },
    properties: { headers: {} },
  };
}

describe('ReportRmqServer: the message size limit', () => {
  const handler = jest.fn(async (_body: unknown, _context: unknown) => undefined);
  let parse: jest.SpyInstance;

  beforeEach(() => {
    handler.mockClear();
    parse = jest.spyOn(JSON, 'parse');
  });

  afterEach(() => parse.mockRestore());

  it('hands a message over the limit to the generate handler as a stand-in, never parsing it', async () => {
    const body = Buffer.from(JSON.stringify({ request_id: 'big', padding: 'x'.repeat(LIMIT) }));
    await consumerWith(handler).handleMessage(delivery(body), {});
    // Nest parses handler patterns with JSON.parse too; the body never reaches it.
    expect(parse.mock.calls.filter(([text]) => String(text).includes('"big"'))).toEqual([]);
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler.mock.calls[0][0]).toEqual(new OversizedMessage(body.length, LIMIT));
  });

  it('parses a message of exactly the limit as usual', async () => {
    const prefix = '{"request_id":"fits","padding":"';
    const body = Buffer.from(`${prefix}${'x'.repeat(LIMIT - prefix.length - 2)}"}`);
    expect(body.length).toBe(LIMIT);
    await consumerWith(handler).handleMessage(delivery(body), {});
    expect(parse.mock.calls.filter(([text]) => String(text).includes('"fits"'))).toHaveLength(1);
    expect(handler.mock.calls[0][0]).toMatchObject({ request_id: 'fits' });
  });
});
