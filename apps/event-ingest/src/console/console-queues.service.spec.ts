import { eventTopologyNames } from '@app/contracts';
import { reportTopology } from '@app/messaging';
import { KnownQueues } from '../admin/known-queues';
import { ConsoleQueuesService } from './console-queues.service';

const reports = reportTopology({
  RABBITMQ_REQUEST_QUEUE: 'requests',
  RABBITMQ_RESPONSE_QUEUE: 'responses',
  MAX_RETRIES: 2,
  REPORT_RETRY_DELAYS_MS: [1000, 5000, 30000],
  REPORT_DLQ_TTL_MS: 0,
  REPORT_DLQ_MAX_LENGTH: 0,
  queueKind: { type: 'quorum', deliveryLimit: 20 },
});
const known = new KnownQueues(eventTopologyNames('events'), [5000, 30000], ['neo4j']);

describe('ConsoleQueuesService', () => {
  let depth: Record<string, number>;
  let now: number;
  const admin = {
    stats: jest.fn(async (queue: string) => {
      if (!(queue in depth)) throw Object.assign(new Error('NOT_FOUND'), { code: 404 });
      return { queue, messages: depth[queue], consumers: queue === 'events.neo4j' ? 2 : 0 };
    }),
  };
  const service = new ConsoleQueuesService(admin as never, known, reports);

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    depth = { 'events.neo4j': 10, 'events.dlq': 0, requests: 4, requests_dlq: 1 };
  });

  afterEach(() => jest.restoreAllMocks());

  it('lists every queue of both pipelines: the chosen sinks with their retry queues, the report queues, both DLQs', async () => {
    const queues = await service.all();
    expect(queues.map(({ pipeline, queue, role }) => `${pipeline} ${queue} ${role}`)).toEqual([
      'events events.neo4j work',
      'events events.neo4j.retry.5000ms retry',
      'events events.neo4j.retry.30000ms retry',
      'events events.dlq dead letters',
      'reports requests work',
      'reports requests.urgent work',
      'reports requests.retry.1000ms retry',
      'reports requests.retry.5000ms retry',
      'reports responses responses',
      'reports requests.webhooks webhooks',
      'reports requests.webhooks_dlq dead letters',
      'reports requests_dlq dead letters',
    ]);
    expect(queues[0]).toMatchObject({ exists: true, messages: 10, consumers: 2, messages_per_second: null });
    expect(queues[1]).toMatchObject({ exists: false, messages: 0, messages_per_second: null });
  });

  it('gives the net change per second since the previous look', async () => {
    await service.all();
    now += 4000;
    depth['events.neo4j'] = 2;
    depth.requests = 12;
    const queues = await service.all();
    expect(queues.find((q) => q.queue === 'events.neo4j')?.messages_per_second).toBe(-2);
    expect(queues.find((q) => q.queue === 'requests')?.messages_per_second).toBe(2);
  });

  it('passes on a broker failure other than a missing queue', async () => {
    admin.stats.mockRejectedValueOnce(new Error('channel closed'));
    await expect(service.all()).rejects.toThrow('channel closed');
  });
});
