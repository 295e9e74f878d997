import { DeliveriesInHand } from './deliveries-in-hand';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('DeliveriesInHand', () => {
  it('drains once every delivery in hand has been handled, without aborting them', async () => {
    const deliveries = new DeliveriesInHand();
    let finish!: () => void;
    const handled = deliveries.hold(() => new Promise<string>((resolve) => (finish = () => resolve('ack'))));
    expect(deliveries.size).toBe(1);
    let drained = false;
    const drain = deliveries.drain(60_000).then(() => (drained = true));
    await tick();
    await tick();
    expect(drained).toBe(false);
    finish();
    await expect(handled).resolves.toBe('ack');
    await drain;
    expect(deliveries.size).toBe(0);
    expect(deliveries.stopping.aborted).toBe(true);
  });

  it('aborts the work still in hand at the deadline, and waits for it to give up', async () => {
    const deliveries = new DeliveriesInHand();
    const handled = deliveries.hold(
      () =>
        new Promise<string>((resolve) =>
          deliveries.stopping.addEventListener('abort', () => resolve('requeue'), { once: true }),
        ),
    );
    await deliveries.drain(20);
    await expect(handled).resolves.toBe('requeue');
    expect(deliveries.size).toBe(0);
  });

  it('counts a delivery whose handling throws as handled', async () => {
    const deliveries = new DeliveriesInHand();
    await expect(deliveries.hold(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(deliveries.size).toBe(0);
  });
});
