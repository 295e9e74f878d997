import 'reflect-metadata';
import { attemptsFromHeader, routeFailure } from './retry.policy';

describe('routeFailure', () => {
  const delays = [5000, 30000, 300000];

  it('walks through the delays, one per failure', () => {
    expect(routeFailure('events.neo4j', delays, 0, false)).toEqual({
      kind: 'retry',
      queue: 'events.neo4j.retry.5000ms',
      delayMs: 5000,
      attempts: 1,
    });
    expect(routeFailure('events.neo4j', delays, 2, false)).toMatchObject({
      queue: 'events.neo4j.retry.300000ms',
      attempts: 3,
    });
  });

  it('dead-letters after the last delay', () => {
    expect(routeFailure('events.neo4j', delays, 3, false)).toEqual({ kind: 'dead-letter', attempts: 4 });
  });

  it('dead-letters permanent failures at once', () => {
    expect(routeFailure('events.qdrant', delays, 0, true)).toEqual({ kind: 'dead-letter', attempts: 1 });
  });

  it('dead-letters at once when no delays are configured', () => {
    expect(routeFailure('q', [], 0, false)).toEqual({ kind: 'dead-letter', attempts: 1 });
  });
});

describe('attemptsFromHeader', () => {
  it.each([
    [undefined, 0],
    [2, 2],
    ['3', 3],
    ['x', 0],
    [-1, 0],
    [1.5, 0],
  ])('%p → %p', (value, expected) => {
    expect(attemptsFromHeader(value)).toBe(expected);
  });
});
