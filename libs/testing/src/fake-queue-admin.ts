import type { DeadLetter, QueueReplayOptions } from '@app/messaging';

/** A queue admin over letters held in memory: what the dead-letter services read and replay, recorded. */
export class FakeQueueAdmin {
  letters: DeadLetter[] = [];
  replays: Array<{ queue: string; limit: number; options: QueueReplayOptions }> = [];

  async stats(queue: string) {
    return { queue, messages: this.letters.length, consumers: 0 };
  }

  async peek(_queue: string, limit: number) {
    return this.letters.slice(0, limit);
  }

  async replayToQueue(queue: string, limit: number, options: QueueReplayOptions) {
    this.replays.push({ queue, limit, options });
    return { replayed: Math.min(limit, this.letters.length) };
  }
}
