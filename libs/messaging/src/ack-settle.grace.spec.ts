import { AckSettleGrace } from './ack-settle.grace';

describe('AckSettleGrace', () => {
  it('asks for no wait from a consumer that never settled anything', () => {
    expect(new AckSettleGrace(1000, () => 5000).remainingMs()).toBe(0);
  });

  it('asks for the rest of the grace after the last settlement, and none once it has passed', () => {
    let now = 10_000;
    const grace = new AckSettleGrace(1000, () => now);
    grace.settled();
    now += 300;
    expect(grace.remainingMs()).toBe(700);
    now += 700;
    expect(grace.remainingMs()).toBe(0);
  });
});
