// The page's kernel-variant cache in IndexedDB: a choice stored by one cache object (one page
// load) is read by another (the next load); unknown keys are absent, not errors.
import { describe, expect, it } from 'vitest';
import { IdbVariantCache } from './variant-cache-idb';

describe('IdbVariantCache', () => {
  it('keeps a choice across cache objects, as across page loads', async () => {
    const record = {
      variant: 'rowblock',
      timings: { lanes: 1.5, rowblock: 0.7 },
      timing: 'gpu' as const,
      at: '2026-01-01T00:00:00.000Z',
    };
    const key = `test|${Date.now()}|spmm`;
    const a = new IdbVariantCache();
    expect(await a.get(key)).toBeUndefined();
    await a.set(key, record);
    expect(await new IdbVariantCache().get(key)).toEqual(record);
    await a.set(key, { ...record, variant: 'lanes' });
    expect((await new IdbVariantCache().get(key))?.variant).toBe('lanes');
  });
});
