import { EventThroughput } from './event-throughput';

describe('EventThroughput', () => {
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);
  let now: number;
  let throughput: EventThroughput;

  beforeEach(() => {
    now = start;
    throughput = new EventThroughput(() => now);
  });

  const last = (n: number) =>
    throughput
      .series()
      .slice(-n)
      .map((point) => point.events);

  it('counts accepted events in 10-second buckets over the last 15 minutes, newest last', () => {
    throughput.accepted(3);
    now += 4_000;
    throughput.accepted(2);
    now += 10_000;
    throughput.accepted(7);
    const series = throughput.series();
    expect(series).toHaveLength(90);
    expect(series.at(-1)).toEqual({ at: new Date(start + 10_000).toISOString(), events: 7 });
    expect(last(3)).toEqual([0, 5, 7]);
  });

  it('forgets what is older than the window, also when a slot of the ring is reused', () => {
    throughput.accepted(9);
    now += 15 * 60_000;
    expect(last(90).every((events) => events === 0)).toBe(true);
    throughput.accepted(1);
    expect(last(1)).toEqual([1]);
    expect(throughput.series().reduce((sum, point) => sum + point.events, 0)).toBe(1);
  });
});
