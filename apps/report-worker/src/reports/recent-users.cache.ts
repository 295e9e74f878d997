/**
 * Users this process upserted recently, so a user's next report skips the `users` upsert (one
 * MongoDB write). Bounded (least recently used entries go first) and short-lived: `users.updated_at`
 * is then at most `ttlMs` behind the user's latest report, which nothing reads for decisions.
 */
export class RecentUsersCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when the user was upserted by this process within the TTL (and refreshes its LRU place). */
  has(userId: string): boolean {
    const at = this.seen.get(userId);
    if (at === undefined) return false;
    this.seen.delete(userId);
    if (this.now() - at >= this.ttlMs) return false;
    this.seen.set(userId, at);
    return true;
  }

  /** Call only after the upsert succeeded. */
  add(userId: string): void {
    this.seen.delete(userId);
    this.seen.set(userId, this.now());
    // Map iteration is insertion order: the first key is the least recently used.
    if (this.seen.size > this.maxEntries) this.seen.delete(this.seen.keys().next().value as string);
  }

  get size(): number {
    return this.seen.size;
  }
}
