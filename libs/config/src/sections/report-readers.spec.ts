import { ReportReaders } from './report-readers';
import { parseSigningKeys } from './signing-keys';
import { randomBytes } from 'node:crypto';

describe('ReportReaders', () => {
  const readers = ReportReaders.parse('ops:*, portal:clinic-a-*, portal:vip-7, svc:with:colon:x*');

  it('lets each caller see the users its patterns match, and nobody else anything', () => {
    expect(readers.maySee('ops', 'anyone')).toBe(true);
    expect(readers.maySee('portal', 'clinic-a-12')).toBe(true);
    expect(readers.maySee('portal', 'vip-7')).toBe(true);
    expect(readers.maySee('portal', 'vip-77')).toBe(false);
    expect(readers.maySee('portal', 'clinic-b-1')).toBe(false);
    expect(readers.maySee('svc:with:colon', 'x1')).toBe(true);
    expect(readers.isReader('stranger')).toBe(false);
    expect(readers.isReader(undefined)).toBe(false);
    expect(ReportReaders.parse('').isReader('ops')).toBe(false);
  });

  it.each(['ops', ':*', 'ops:', 'ops:a*b', 'ops:**'])('refuses %j with the expected shape', (text) => {
    expect(() => ReportReaders.parse(text)).toThrow(/expected <caller>:<user_id pattern>/);
  });
});

describe('parseSigningKeys', () => {
  it('reads one key per client, and refuses short keys and a client listed twice', () => {
    const key = randomBytes(32).toString('base64');
    expect(parseSigningKeys(`portal:${key}`).get('portal')).toHaveLength(32);
    expect(() => parseSigningKeys(`portal:${randomBytes(8).toString('base64')}`)).toThrow(/at least 32/);
    expect(() => parseSigningKeys(`portal:${key},portal:${key}`)).toThrow(/twice/);
    expect(() => parseSigningKeys('nokey')).toThrow(/expected <client>:<base64 key>/);
  });
});
