import { QueueExclusivity, ReplyToPolicy } from './reply-to.policy';

describe('ReplyToPolicy', () => {
  const standing: Record<string, QueueExclusivity> = {
    'amq.gen-own': 'exclusive',
    report_generation_requests: 'shared',
    gone: 'missing',
  };
  const asked: string[] = [];
  const policy = new ReplyToPolicy(async (queue) => (asked.push(queue), standing[queue]));

  it('answers on direct reply-to without asking the broker', async () => {
    expect(await policy.refusal('amq.rabbitmq.reply-to.g1h2AA5yZXBseUAxMjM0NTY3OA==')).toBeUndefined();
    expect(asked).toEqual([]);
  });

  it('answers on a queue exclusive to its caller, and remembers it for a minute', async () => {
    expect(await policy.refusal('amq.gen-own', 0)).toBeUndefined();
    expect(await policy.refusal('amq.gen-own', 59_000)).toBeUndefined();
    expect(asked.filter((q) => q === 'amq.gen-own')).toHaveLength(1);
  });

  it("refuses a shared queue (the request queue, another service's queue) and a missing one", async () => {
    expect(await policy.refusal('report_generation_requests')).toMatch(/not exclusive/);
    expect(await policy.refusal('gone')).toMatch(/does not exist/);
  });
});
