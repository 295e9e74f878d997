/** How long patient data is kept (REPORT_RETENTION_DAYS): every report, job and reuse entry carries its end. */
export class ReportRetention {
  constructor(readonly ms: number) {}

  expiresAt(from: Date): Date {
    return new Date(from.getTime() + this.ms);
  }

  /** Whether a row is past its end (a store without TTL indexes keeps it until the sweeper's next round). */
  static expired(row: { expires_at?: Date | string | null }, now = new Date()): boolean {
    return (
      row.expires_at !== undefined && row.expires_at !== null && new Date(row.expires_at).getTime() <= now.getTime()
    );
  }
}
