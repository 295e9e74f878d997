import { Registry } from 'prom-client';
import { QueueDepthGauges, QueueStatsReader } from './queue-depth.gauges';

describe('QueueDepthGauges', () => {
  let now: number;
  let registry: Registry;
  let gauges: QueueDepthGauges;
  const queues = [
    { queue: 'requests', role: 'requests' },
    { queue: 'gone', role: 'retry' },
    { queue: 'requests_dlq', role: 'dlq' },
  ];

  beforeEach(() => {
    now = 0;
    registry = new Registry();
    gauges = new QueueDepthGauges(registry, 'app', { maxAgeMs: 5000, timeoutMs: 50, now: () => now });
  });

  it('exports depth and consumers per queue, leaves out a missing one, and reads the broker once per scrape', async () => {
    const reader = jest.fn<ReturnType<QueueStatsReader>, Parameters<QueueStatsReader>>(async () => [
      { queue: 'requests', messages: 7, consumers: 2 },
      undefined,
      { queue: 'requests_dlq', messages: 3, consumers: 0 },
    ]);
    gauges.watch(queues, reader);
    const text = await registry.metrics();
    expect(text).toContain('app_queue_messages{queue="requests",role="requests"} 7');
    expect(text).toContain('app_queue_consumers{queue="requests",role="requests"} 2');
    expect(text).toContain('app_queue_messages{queue="requests_dlq",role="dlq"} 3');
    expect(text).not.toContain('queue="gone"');
    expect(text).toContain('app_broker_up 1');
    expect(reader).toHaveBeenCalledTimes(1);
    expect(reader).toHaveBeenCalledWith(['requests', 'gone', 'requests_dlq']);
  });

  it('answers a scrape storm from the last read, and reads again once it is older than maxAgeMs', async () => {
    let depth = 1;
    const reader = jest.fn(async () => [{ queue: 'requests', messages: depth, consumers: 1 }]);
    gauges.watch([queues[0]], reader);
    await Promise.all(Array.from({ length: 20 }, () => registry.metrics()));
    depth = 9;
    now = 4999;
    expect(await registry.metrics()).toContain('app_queue_messages{queue="requests",role="requests"} 1');
    expect(reader).toHaveBeenCalledTimes(1);
    now = 5000;
    expect(await registry.metrics()).toContain('app_queue_messages{queue="requests",role="requests"} 9');
    expect(reader).toHaveBeenCalledTimes(2);
  });

  it('never fails the scrape: a broker that refuses or does not answer gives broker_up 0 and no queue series', async () => {
    gauges.watch(queues, () => Promise.reject(new Error('not connected to the broker')));
    let text = await registry.metrics();
    expect(text).toContain('app_broker_up 0');
    expect(text).not.toMatch(/^app_queue_messages\{/m);

    now = 10_000;
    gauges.watch(queues, () => new Promise(() => undefined));
    text = await registry.metrics();
    expect(text).toContain('app_broker_up 0');
  });

  it('is down until the app hands it a reader', async () => {
    expect(await registry.metrics()).toContain('app_broker_up 0');
  });
});
