import { settingList } from './setting-list';

/** One entry of REPORT_READERS: a caller and the users whose reports it may see. */
interface ReaderEntry {
  caller: string;
  /** `*`, `prefix*` or an exact user_id. */
  pattern: string;
}

export class ReportReadersError extends Error {}

/**
 * Who may read and delete which reports (REPORT_READERS): `<caller>:<user_id pattern>`,
 * comma-separated. A caller may appear more than once; it sees the union of its patterns.
 */
export class ReportReaders {
  private constructor(private readonly entries: ReaderEntry[]) {}

  static parse(text: string): ReportReaders {
    const entries = settingList(text).map((entry, index) => {
      const colon = entry.lastIndexOf(':');
      const caller = entry.slice(0, colon);
      const pattern = entry.slice(colon + 1);
      if (
        colon <= 0 ||
        !pattern ||
        (pattern.includes('*') && !pattern.endsWith('*')) ||
        pattern.indexOf('*') !== pattern.lastIndexOf('*')
      ) {
        throw new ReportReadersError(
          `entry ${index + 1}: expected <caller>:<user_id pattern>, the pattern *, prefix* or a user_id`,
        );
      }
      return { caller, pattern };
    });
    return new ReportReaders(entries);
  }

  /** Whether `caller` may query at all. */
  isReader(caller: string | undefined): boolean {
    return caller !== undefined && this.entries.some((entry) => entry.caller === caller);
  }

  /** Whether `caller` may see the reports of `userId`. */
  maySee(caller: string | undefined, userId: string): boolean {
    return this.entries.some((entry) => entry.caller === caller && matches(entry.pattern, userId));
  }
}

function matches(pattern: string, userId: string): boolean {
  if (pattern === '*') return true;
  return pattern.endsWith('*') ? userId.startsWith(pattern.slice(0, -1)) : userId === pattern;
}
