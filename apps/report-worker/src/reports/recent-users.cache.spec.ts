import { RecentUsersCache } from './recent-users.cache';

describe('RecentUsersCache', () => {
  it('remembers users for the TTL only', () => {
    let now = 0;
    const cache = new RecentUsersCache(10, 1000, () => now);
    expect(cache.has('u1')).toBe(false);
    cache.add('u1');
    now = 999;
    expect(cache.has('u1')).toBe(true);
    now = 1000;
    expect(cache.has('u1')).toBe(false);
    expect(cache.size).toBe(0);
  });

  it('evicts the least recently used user beyond its bound', () => {
    const cache = new RecentUsersCache(2, 60_000, () => 0);
    cache.add('u1');
    cache.add('u2');
    expect(cache.has('u1')).toBe(true); // u1 is now more recent than u2
    cache.add('u3');
    expect(cache.size).toBe(2);
    expect(cache.has('u2')).toBe(false);
    expect(cache.has('u1')).toBe(true);
    expect(cache.has('u3')).toBe(true);
  });
});
