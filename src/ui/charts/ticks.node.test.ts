import { describe, expect, it } from 'vitest';
import { linearByteTicks, logByteTicks, niceTicks, shortBytes } from './ticks';

describe('byte axis ticks', () => {
  it('words bytes briefly', () => {
    expect(shortBytes(512 * 1024)).toBe('512 KiB');
    expect(shortBytes(1.5 * 1024 * 1024)).toBe('1.5 MiB');
    expect(shortBytes(3)).toBe('3 B');
  });

  it('linear ticks are round numbers of a binary unit and cover the maximum', () => {
    const t = linearByteTicks(3.3 * 1024 * 1024);
    expect(t[0]).toBe(0);
    expect(t.at(-1)!).toBeGreaterThanOrEqual(3.3 * 1024 * 1024);
    expect(t.map(shortBytes)).toEqual(['0 B', '1 MiB', '2 MiB', '3 MiB', '4 MiB']);
  });

  it('log ticks are powers of two, thinned', () => {
    expect(logByteTicks(1000, 5000)).toEqual([1024, 2048, 4096]);
    expect(logByteTicks(1, 2 ** 30, 4).length).toBeLessThanOrEqual(4);
  });
});

describe('nice ticks', () => {
  it('covers the range on round steps', () => {
    expect(niceTicks(1.815, 2.035)).toEqual([1.8, 1.85, 1.9, 1.95, 2, 2.05]);
    expect(niceTicks(0, 3400)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(niceTicks(0.136, 0.19)).toEqual([0.12, 0.14, 0.16, 0.18, 0.2]);
  });

  it('a flat series still gets an axis', () => {
    expect(niceTicks(2, 2).length).toBeGreaterThanOrEqual(2);
  });
});
