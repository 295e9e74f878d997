import { KnowledgeBaseEntry, KnowledgeBaseRepository } from '@app/mongo';
import { Injectable } from '@nestjs/common';

/** Entries change only on import, so a short in-process cache spares MongoDB one query per report. */
const KB_CACHE_MS = 30_000;

@Injectable()
export class KnowledgeBaseService {
  private readonly cached = new Map<string, { at: number; entries: Promise<KnowledgeBaseEntry[]> }>();

  constructor(private readonly repository: KnowledgeBaseRepository) {}

  /** Active entries of the given categories (sorted category list = cache key). */
  forCategories(categories: string[]): Promise<KnowledgeBaseEntry[]> {
    const key = categories.join(',');
    const hit = this.cached.get(key);
    if (hit && Date.now() - hit.at < KB_CACHE_MS) return hit.entries;
    const entries = this.repository.findActiveByCategories(categories);
    this.cached.set(key, { at: Date.now(), entries });
    // A failed read must not be served from the cache.
    entries.catch(() => this.cached.delete(key));
    return entries;
  }
}
