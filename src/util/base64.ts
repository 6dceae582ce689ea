// Bytes as base64 text and back: how binary files cross into the headless page and out of it
// (page.evaluate moves JSON). atob / btoa exist in browsers and in Node ≥ 16.
const CHUNK = 0x8000;

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += CHUNK)
    s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A Float32Array's bytes as base64, and back. */
export function floatsToBase64(a: Float32Array): string {
  return toBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

export function floatsFromBase64(text: string): Float32Array {
  return new Float32Array(fromBase64(text).buffer);
}
