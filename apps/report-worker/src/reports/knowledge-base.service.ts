import { KnowledgeBaseEntry, KnowledgeBaseRepository } from '@app/mongo';
import { Injectable } from '@nestjs/common';

/**
 * Knowledge-base entries are reference data that change only on import, so active entries are
 * cached per category for KB_CACHE_MS: an import (or archiving an entry) reaches a running worker
 * within that bound. A request whose categories are all cached costs no MongoDB round trip; the
 * missing or expired categories are loaded together in one query.
 */
export const KB_CACHE_MS = 30_000;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

interface CachedCategory {
  at: number;
  entries: Promise<KnowledgeBaseEntry[]>;
}

@Injectable()
export class KnowledgeBaseService {
  private readonly cached = new Map<string, CachedCategory>();
  /** The clock, replaceable in unit specs. */
  now: () => number = Date.now;

  constructor(private readonly repository: KnowledgeBaseRepository) {}

  /** Active entries of the given categories, sorted by category then id (as the repository returns them). */
  async forCategories(categories: string[]): Promise<KnowledgeBaseEntry[]> {
    const at = this.now();
    const missing = categories.filter((category) => {
      const hit = this.cached.get(category);
      return !hit || at - hit.at >= KB_CACHE_MS;
    });
    if (missing.length > 0) this.load(missing, at);
    const lists = await Promise.all(categories.map((category) => this.cached.get(category)!.entries));
    return lists.flat().sort((a, b) => compare(a.category, b.category) || compare(a.id, b.id));
  }

  /** One query for all missing categories; concurrent requests share the pending load. */
  private load(categories: string[], at: number): void {
    const loaded = this.repository.findActiveByCategories(categories);
    for (const category of categories) {
      const entries = loaded.then((all) => all.filter((entry) => entry.category === category));
      this.cached.set(category, { at, entries });
      // A failed load must not be served from the cache.
      entries.catch(() => {
        if (this.cached.get(category)?.entries === entries) this.cached.delete(category);
      });
    }
  }
}
