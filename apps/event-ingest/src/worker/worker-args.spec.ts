import { parseWorkerArgs, UsageError } from './worker-args';

describe('parseWorkerArgs', () => {
  it('reads the worker flags --queue, --workers and --prefetch', () => {
    expect(parseWorkerArgs(['--queue', 'neo4j', '--workers', '3', '--prefetch', '20'])).toEqual({
      command: 'work',
      queue: 'neo4j',
      workers: 3,
      prefetch: 20,
      healthPort: undefined,
    });
    expect(parseWorkerArgs(['--queue=all', '--health-port', '9101'])).toEqual({
      command: 'work',
      queue: 'all',
      workers: 1,
      prefetch: undefined,
      healthPort: 9101,
    });
  });

  it('reads the DLQ commands', () => {
    expect(parseWorkerArgs(['dlq', 'list'])).toEqual({ command: 'dlq-list', limit: 20 });
    expect(parseWorkerArgs(['dlq', 'replay', '--limit', '5'])).toEqual({ command: 'dlq-replay', limit: 5 });
  });

  it.each([
    [[]],
    [['--queue', 'mongo']],
    [['--queue', 'neo4j', '--workers', '0']],
    [['--queue', 'neo4j', '--nope']],
    [['dlq']],
    [['start']],
  ])('refuses %p', (argv) => {
    expect(() => parseWorkerArgs(argv)).toThrow(UsageError);
  });
});
