// The CLI's kernel-variant cache file: what one process stores, the next one reads; a damaged
// file is an empty cache that the next choice rewrites.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCacheDir, FileVariantCache } from './variant-cache-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'revgnn-variant-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = {
  variant: 'tiled',
  timings: { register: 0.9, tiled: 0.4 },
  timing: 'gpu' as const,
  at: '2026-01-01T00:00:00.000Z',
};

describe('FileVariantCache', () => {
  it('keeps choices across instances (processes) in one JSON file', async () => {
    const file = join(dir, 'nested', 'kernel-variants.json');
    const a = new FileVariantCache(file);
    expect(await a.get('k1')).toBeUndefined();
    await a.set('k1', record);
    await a.set('k2', { ...record, variant: 'register' });
    const b = new FileVariantCache(file);
    expect(await b.get('k1')).toEqual(record);
    expect((await b.get('k2'))?.variant).toBe('register');
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toEqual(['k1', 'k2']);
  });

  it('treats a damaged file as empty and rewrites it', async () => {
    const file = join(dir, 'damaged.json');
    writeFileSync(file, '{ not json');
    const c = new FileVariantCache(file);
    expect(await c.get('k1')).toBeUndefined();
    await c.set('k1', record);
    expect(await new FileVariantCache(file).get('k1')).toEqual(record);
  });

  it('lives under REVGNN_CACHE_DIR when it is set', () => {
    const before = process.env.REVGNN_CACHE_DIR;
    process.env.REVGNN_CACHE_DIR = dir;
    try {
      expect(defaultCacheDir()).toBe(dir);
    } finally {
      if (before === undefined) delete process.env.REVGNN_CACHE_DIR;
      else process.env.REVGNN_CACHE_DIR = before;
    }
  });
});
