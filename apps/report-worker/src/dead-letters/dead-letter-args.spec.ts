import { UsageError } from '../operator/command-line';
import { parseDeadLetterArgs } from './dead-letter-args';

describe('parseDeadLetterArgs', () => {
  it('reads list and replay with their default limits', () => {
    expect(parseDeadLetterArgs(['list'])).toEqual({ command: 'list', limit: 20 });
    expect(parseDeadLetterArgs(['replay'])).toEqual({ command: 'replay', limit: 100 });
  });

  it('takes --limit in either form', () => {
    expect(parseDeadLetterArgs(['replay', '--limit', '1'])).toEqual({ command: 'replay', limit: 1 });
    expect(parseDeadLetterArgs(['list', '--limit=500'])).toEqual({ command: 'list', limit: 500 });
  });

  it('takes --queue webhooks for the webhook dead letters, requests being the default', () => {
    expect(parseDeadLetterArgs(['list', '--queue', 'webhooks'])).toEqual({
      command: 'list',
      limit: 20,
      queue: 'webhooks',
    });
    expect(parseDeadLetterArgs(['replay', '--queue=webhooks', '--limit', '3'])).toEqual({
      command: 'replay',
      limit: 3,
      queue: 'webhooks',
    });
    expect(parseDeadLetterArgs(['list', '--queue', 'requests'])).toEqual({ command: 'list', limit: 20 });
  });

  it('answers --help with the usage, not an error', () => {
    expect(parseDeadLetterArgs(['--help'])).toEqual({ command: 'help' });
  });

  it.each([
    [[], /a command is needed/],
    [['purge'], /unknown command "purge"/],
    [['list', 'now'], /unexpected argument "now"/],
    [['list', '--limit', '0'], /--limit must be a whole number from 1 to 100000/],
    [['replay', '--limit', '2.5'], /--limit must be/],
    [['replay', '--limit', '100001'], /--limit must be/],
    [['replay', '--limit'], /--limit/],
    [['list', '--queue', 'x'], /--queue must be requests or webhooks/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDeadLetterArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseDeadLetterArgs(argv as string[])).toThrow(message);
  });
});
