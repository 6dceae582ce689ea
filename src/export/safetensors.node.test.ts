// The safetensors and .npy codecs: byte layout, round trips, and refusals that say what is wrong.
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from './npy';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

describe('safetensors', () => {
  it('writes the length-prefixed JSON header, 8-byte aligned, and the raw float32 bytes', () => {
    const bytes = encodeSafetensors(
      {
        b: { shape: [3], data: Float32Array.of(1, 2, 3) },
        a: { shape: [1, 2], data: Float32Array.of(-1, 0.5) },
      },
      { format: 'pt' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.a).toEqual({ dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] });
    expect(header.b).toEqual({ dtype: 'F32', shape: [3], data_offsets: [8, 20] });
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(bytes.length).toBe(8 + n + 20);
    expect(Array.from(new Float32Array(bytes.buffer.slice(8 + n)))).toEqual([-1, 0.5, 1, 2, 3]);
    const back = decodeSafetensors(bytes);
    expect(Array.from(back.tensors.b.data)).toEqual([1, 2, 3]);
    expect(back.tensors.a.shape).toEqual([1, 2]);
    expect(back.metadata).toEqual({ format: 'pt' });
  });

  it('reads tensors whose data is not 4-byte aligned in memory', () => {
    const bytes = encodeSafetensors({ w: { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) } });
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const t = decodeSafetensors(shifted.subarray(1)).tensors.w;
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
  });

  it('refuses what it cannot read, naming the file and the tensor', () => {
    expect(() => decodeSafetensors(new Uint8Array(4), 'x.safetensors')).toThrow(
      'x.safetensors: 4 bytes: too short for a safetensors file.',
    );
    const bad = (header: object) => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + 8);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    expect(() =>
      decodeSafetensors(bad({ w: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }), 'f'),
    ).toThrow('f: tensor "w": dtype F32 expected, found F16.');
    expect(() =>
      decodeSafetensors(bad({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }), 'f'),
    ).toThrow('f: tensor "w": data_offsets [0,8] do not span the 12 bytes of shape [3].');
    expect(() =>
      decodeSafetensors(bad({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }), 'f'),
    ).toThrow('f: tensor "w": bytes 0..16 lie past the end of the data (8 bytes).');
  });
});

describe('npy', () => {
  it('writes a 2-D float32 array numpy reads: header padded to 64 bytes', () => {
    const bytes = encodeNpy(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
    const headerLen = new DataView(bytes.buffer).getUint16(8, true);
    expect((10 + headerLen) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(10, 10 + headerLen))).toMatch(
      /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/,
    );
    const back = decodeNpy(bytes);
    expect([back.rows, back.cols, Array.from(back.data)]).toEqual([2, 3, [1, 2, 3, 4, 5, 6]]);
  });
});
