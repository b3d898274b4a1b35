import { TenantSizeCache } from './TenantSizeCache';

describe('TenantSizeCache', () => {
  it('forgets sizes after the TTL', () => {
    let now = 1000;
    const cache = new TenantSizeCache({ ttlMs: 100, now: () => now });
    cache.set(384, 'acme', 'm', 42);
    expect(cache.get(384, 'acme', 'm')).toBe(42);
    expect(cache.get(512, 'acme', 'm')).toBeUndefined();
    now += 100;
    expect(cache.get(384, 'acme', 'm')).toBeUndefined();
    // Still there to choose a path while it is counted again.
    expect(cache.lastKnown(384, 'acme', 'm')).toBe(42);
    cache.invalidateTenants(['acme']);
    expect(cache.lastKnown(384, 'acme', 'm')).toBeUndefined();
  });

  it("invalidates every entry of a tenant, and only that tenant's", () => {
    const cache = new TenantSizeCache({ ttlMs: 1000 });
    cache.set(384, 'acme', 'm', 1);
    cache.set(512, 'acme', 'n', 2);
    cache.set(384, 'acme-2', 'm', 3);
    cache.invalidateTenants(['acme']);
    expect(cache.get(384, 'acme', 'm')).toBeUndefined();
    expect(cache.get(512, 'acme', 'n')).toBeUndefined();
    expect(cache.get(384, 'acme-2', 'm')).toBe(3);
  });

  it('stays bounded and can be turned off', () => {
    const cache = new TenantSizeCache({ ttlMs: 1000, maxEntries: 3 });
    for (let i = 0; i < 10; i++) cache.set(1, `t${i}`, 'm', i);
    expect(cache.get(1, 't9', 'm')).toBe(9);
    const off = new TenantSizeCache({ ttlMs: 0 });
    off.set(1, 'acme', 'm', 5);
    expect(off.get(1, 'acme', 'm')).toBeUndefined();
  });
});
