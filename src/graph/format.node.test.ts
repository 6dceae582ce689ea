import { describe, expect, it } from 'vitest';
import {
  crc32,
  crc32Hex,
  decodeShard,
  encodeShard,
  shardByteLength,
  type ShardData,
} from './format';
import { Rng, mixSeed } from './rng';

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32Hex(new TextEncoder().encode('123456789'))).toBe('cbf43926');
    const b = new TextEncoder().encode('hello world');
    expect(crc32(b.subarray(5), crc32(b.subarray(0, 5)))).toBe(crc32(b));
  });
});

describe('rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(sa);
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    const p = new Rng(5).permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
    const r = new Rng(9);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(7);
      expect(v >= 0 && v < 7).toBe(true);
    }
  });
});

describe('shard encoding', () => {
  it('round-trips dense features, classes and edge features', () => {
    const s: ShardData = {
      index: 2,
      totalNodes: 10,
      globalIds: Uint32Array.from([1, 4, 9]),
      split: Uint8Array.from([1, 2, 3]),
      labels: { kind: 'multiclass', numClasses: 3, y: Int32Array.from([0, -1, 2]) },
      features: { kind: 'dense', dim: 2, data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      adj: { rowPtr: Uint32Array.from([0, 2, 2, 3]), colIdx: Uint32Array.from([0, 4, 1]) },
      edgeFeatures: { dim: 1, data: Float32Array.from([0.5, 0.25, 0.125]) },
    };
    const bytes = encodeShard(s);
    // Decoding from an unaligned offset must work too.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const { header, shard } = decodeShard(shifted.subarray(1), 'x.bin');
    expect(header.nodes).toBe(3);
    expect(bytes.length).toBe(shardByteLength(header));
    expect(Array.from(shard.globalIds)).toEqual([1, 4, 9]);
    expect(Array.from(shard.split)).toEqual([1, 2, 3]);
    expect(shard.labels).toMatchObject({ kind: 'multiclass', numClasses: 3 });
    expect(Array.from((shard.labels as { y: Int32Array }).y)).toEqual([0, -1, 2]);
    expect(Array.from((shard.features as { data: Float32Array }).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(shard.adj.colIdx)).toEqual([0, 4, 1]);
    expect(Array.from(shard.edgeFeatures!.data)).toEqual([0.5, 0.25, 0.125]);
  });

  it('round-trips sparse features and multi-label bit sets', () => {
    const s: ShardData = {
      index: 0,
      totalNodes: 2,
      globalIds: Uint32Array.from([0, 1]),
      split: Uint8Array.from([0, 1]),
      labels: { kind: 'multilabel', numTasks: 11, bits: Uint8Array.from([0xff, 0x04, 0x01, 0x00]) },
      features: {
        kind: 'sparse',
        dim: 100,
        csr: {
          rows: 2,
          cols: 100,
          rowPtr: Uint32Array.from([0, 1, 3]),
          colIdx: Uint32Array.from([5, 0, 99]),
          values: Float32Array.from([1, 2, 3]),
        },
      },
      adj: { rowPtr: Uint32Array.from([0, 1, 2]), colIdx: Uint32Array.from([1, 0]) },
    };
    const { shard } = decodeShard(encodeShard(s), 'y.bin');
    expect(shard.labels.kind).toBe('multilabel');
    expect(Array.from((shard.labels as { bits: Uint8Array }).bits)).toEqual([
      0xff, 0x04, 0x01, 0x00,
    ]);
    const f = shard.features;
    expect(f.kind === 'sparse' && Array.from(f.csr.colIdx)).toEqual([5, 0, 99]);
    expect(f.kind === 'sparse' && Array.from(f.csr.values!)).toEqual([1, 2, 3]);
    expect(shard.edgeFeatures).toBeUndefined();
  });
});
