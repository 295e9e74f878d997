import { EVENT_TYPES, EventMessage, EventType } from '@app/contracts';
import { applyEvent } from './profile-vector';

/** Event ids remembered per user for idempotency; older ones fall off (see docs/event-ingest.md). */
export const REMEMBERED_EVENT_IDS = 1000;

export interface UserProfilePayload {
  user_id: string;
  counts: Record<EventType, number>;
  last_event_at: string | null;
  last_event_type: EventType | null;
  processed_event_ids: string[];
}

export interface UserProfile {
  vector: number[] | null;
  payload: UserProfilePayload;
}

export function emptyProfile(userId: string): UserProfile {
  const counts = Object.fromEntries(EVENT_TYPES.map((type) => [type, 0])) as Record<EventType, number>;
  return {
    vector: null,
    payload: { user_id: userId, counts, last_event_at: null, last_event_type: null, processed_event_ids: [] },
  };
}

/** A stored payload, tolerating fields written by an older version or by hand. */
export function profileFrom(userId: string, vector: number[] | null, payload: unknown): UserProfile {
  const base = emptyProfile(userId);
  const stored = (payload ?? {}) as Partial<UserProfilePayload>;
  return {
    vector,
    payload: {
      ...base.payload,
      counts: { ...base.payload.counts, ...(stored.counts ?? {}) },
      last_event_at: stored.last_event_at ?? null,
      last_event_type: stored.last_event_type ?? null,
      processed_event_ids: Array.isArray(stored.processed_event_ids) ? stored.processed_event_ids : [],
    },
  };
}

/**
 * Applies one user's events (oldest first) to the profile. An event_id already in
 * processed_event_ids changes nothing. Returns whether anything changed.
 */
export function applyEvents(
  profile: UserProfile,
  events: EventMessage[],
  productVectors: Map<string, number[]>,
): boolean {
  const seen = new Set(profile.payload.processed_event_ids);
  let changed = false;
  for (const event of [...events].sort((a, b) => a.timestamp.localeCompare(b.timestamp))) {
    if (seen.has(event.event_id)) continue;
    seen.add(event.event_id);
    changed = true;
    const { payload } = profile;
    payload.counts[event.event_type] += 1;
    if (!payload.last_event_at || event.timestamp >= payload.last_event_at) {
      payload.last_event_at = event.timestamp;
      payload.last_event_type = event.event_type;
    }
    payload.processed_event_ids.push(event.event_id);
    const product = productVectors.get(event.product_id);
    if (product) profile.vector = applyEvent(profile.vector, product, event.event_type);
  }
  const ids = profile.payload.processed_event_ids;
  if (ids.length > REMEMBERED_EVENT_IDS) ids.splice(0, ids.length - REMEMBERED_EVENT_IDS);
  return changed;
}
