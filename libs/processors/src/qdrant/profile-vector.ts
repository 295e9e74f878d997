import { EventType } from '@app/contracts';

/**
 * How far one event pulls the profile toward the product (both unit vectors): a purchase says
 * more than a cart, a cart more than a view; removing from the cart pushes away a little.
 */
const EVENT_WEIGHTS: Record<EventType, number> = {
  purchase: 1,
  cart: 0.5,
  view: 0.1,
  remove_from_cart: -0.3,
};

export function normalise(vector: number[]): number[] | null {
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  return norm > 1e-12 ? vector.map((x) => x / norm) : null;
}

/**
 * The profile after one event: normalise(profile + weight · product). A first, negative event has
 * nothing to pull away from and leaves no vector; a move that cancels the profile out keeps it.
 */
export function applyEvent(profile: number[] | null, product: number[], eventType: EventType): number[] | null {
  const direction = normalise(product);
  if (!direction) return profile;
  const weight = EVENT_WEIGHTS[eventType];
  if (!profile) return weight > 0 ? direction : null;
  return normalise(profile.map((x, i) => x + weight * direction[i])) ?? profile;
}

/** A point's vector as Qdrant returns it: plain, or named (we take `name`, else the first one). */
export function pickVector(vector: unknown, name?: string): number[] | null {
  if (Array.isArray(vector)) return vector.every((x) => typeof x === 'number') ? (vector as number[]) : null;
  if (vector && typeof vector === 'object') {
    const named = vector as Record<string, unknown>;
    return pickVector(name && name in named ? named[name] : Object.values(named)[0]);
  }
  return null;
}
