import 'reflect-metadata';
import { applyEvent, normalise, pickVector } from './profile-vector';
import { productPointId, userPointId, uuidV5 } from './point-id';

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i], 0);

describe('profile vectors', () => {
  it('starts a profile at the product of a first positive event', () => {
    expect(applyEvent(null, [3, 4], 'view')).toEqual([0.6, 0.8]);
    expect(applyEvent(null, [3, 4], 'remove_from_cart')).toBeNull();
  });

  it('moves further toward the product for a purchase than for a cart or a view', () => {
    const profile = [1, 0];
    const product = [0, 1];
    const moved = (type: 'purchase' | 'cart' | 'view') => cosine(applyEvent(profile, product, type)!, product);
    expect(moved('purchase')).toBeGreaterThan(moved('cart'));
    expect(moved('cart')).toBeGreaterThan(moved('view'));
  });

  it('pulls away on remove_from_cart and stays normalised', () => {
    const after = applyEvent(normalise([1, 1]), [0, 1], 'remove_from_cart')!;
    expect(cosine(after, [0, 1])).toBeLessThan(cosine(normalise([1, 1])!, [0, 1]));
    expect(Math.hypot(...after)).toBeCloseTo(1, 10);
  });

  it('reads plain and named vectors', () => {
    expect(pickVector([1, 2])).toEqual([1, 2]);
    expect(pickVector({ preference: [1, 2], other: [3] }, 'preference')).toEqual([1, 2]);
    expect(pickVector({ image: [5] })).toEqual([5]);
    expect(pickVector(undefined)).toBeNull();
  });
});

describe('point ids', () => {
  it('computes RFC 4122 v5 UUIDs', () => {
    // Known answer: uuid5(NAMESPACE_DNS, "python.org") from Python's uuid module.
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('gives users stable UUIDs and integer products their own number', () => {
    expect(userPointId('42')).toBe(userPointId('42'));
    expect(userPointId('42')).not.toBe(userPointId('43'));
    expect(productPointId('100')).toBe(100);
    expect(productPointId('sku-1')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
