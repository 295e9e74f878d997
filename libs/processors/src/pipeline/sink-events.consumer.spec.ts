import { Nack } from '@golevelup/nestjs-rabbitmq';
import { rabbitAnswerOf } from './sink-events.consumer';

describe('rabbitAnswerOf', () => {
  it('acks (answers nothing) unless the outcome is requeue, which it answers Nack(requeue)', () => {
    expect(rabbitAnswerOf({ kind: 'ack' })).toBeUndefined();
    const nack = rabbitAnswerOf({ kind: 'requeue', reason: 'store away', held: true });
    expect(nack).toBeInstanceOf(Nack);
    expect((nack as unknown as { requeue: boolean }).requeue).toBe(true);
  });
});
