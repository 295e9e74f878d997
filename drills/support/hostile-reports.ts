import { reportRequest } from '@app/testing';

export interface HostileMessage {
  /** AMQP message_id: the DLQ copy keeps it, so each can be found there exactly once. */
  id: string;
  kind: string;
  body: Buffer;
}

/** Bad report requests, cycling through malformed, truncated, huge and wrongly typed bodies. */
export function hostileReportMessages(count: number, tag: string): HostileMessage[] {
  const kinds: Array<[string, (i: number) => Buffer]> = [
    ['malformed', () => Buffer.from('{"request_id": "x", "labs": [ {')],
    ['truncated', () => Buffer.from(JSON.stringify(reportRequest()).slice(0, 120))],
    ['not JSON', (i) => Buffer.from([0xff, 0x00, 0xfe, i % 256, 0x7b])],
    ['empty', () => Buffer.alloc(0)],
    ['wrong types', () => Buffer.from(JSON.stringify(reportRequest({ labs: 'none', patient: 42, request_id: 7 })))],
    [
      'wrong lab values',
      () => Buffer.from(JSON.stringify(reportRequest({ labs: [{ name: 'LDL', value: 'high', unit: 3 }] }))),
    ],
    ['missing fields', () => Buffer.from(JSON.stringify({ request_id: `missing-${tag}`, user_id: 'u' }))],
    ['array body', () => Buffer.from('[1, 2, 3]')],
    ['nested deep', () => Buffer.from(`${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`)],
    // Huge: 2 MB of labs, a few only (they are the RSS risk).
    [
      'huge',
      (i) =>
        Buffer.from(
          JSON.stringify(
            reportRequest({
              labs: Array.from({ length: i % 40 === 9 ? 20000 : 2 }, () => ({ name: 'x'.repeat(80), value: 'bad' })),
            }),
          ),
        ),
    ],
  ];
  return Array.from({ length: count }, (_, i) => {
    const [kind, make] = kinds[i % kinds.length];
    return { id: `hostile-${tag}-${i}`, kind, body: make(i) };
  });
}
