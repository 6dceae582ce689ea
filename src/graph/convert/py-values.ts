// The Python values an unpickled file is made of (what pickle.ts builds): dicts, sets, globals,
// opaque objects, numpy dtypes and arrays.
import { quote } from '../errors';

export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** An instance of a class this reader does not model: its class, constructor args and state. */
export class PyObject {
  state: PyValue = null;
  readonly items: PyValue[] = [];
  readonly dictItems = new Map<PyKey, PyValue>();
  constructor(
    readonly cls: PyGlobal,
    readonly args: PyValue[],
  ) {}
  /** A field of the object's __dict__ state, by name. */
  field(name: string): PyValue | undefined {
    return this.state instanceof PyDict ? this.state.get(name) : undefined;
  }
}

export type PyKey = string | number | bigint | boolean | null;

export class PyDict {
  readonly map = new Map<PyKey, PyValue>();
  /** Set when it came from collections.defaultdict. */
  defaultFactory: PyValue = null;
  set(k: PyKey, v: PyValue): void {
    this.map.set(k, v);
  }
  get(k: PyKey): PyValue | undefined {
    return this.map.get(k);
  }
}

export class PySet {
  readonly items: PyValue[] = [];
}

export class DType {
  byteorder = '=';
  constructor(readonly descr: string) {}
  /** e.g. "<i4": byte order and kind+size, with "|"/"=" turned into "<" (little-endian). */
  get code(): string {
    const m = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(this.descr);
    if (!m) return this.descr;
    const order = m[1] || this.byteorder;
    return `${order === '>' ? '>' : '<'}${m[2]}${m[3]}`;
  }
}

export class NdArray {
  shape: number[] = [];
  dtype: DType | null = null;
  fortranOrder = false;
  data: Uint8Array | null = null;
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
}

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | NdArray
  | DType;

export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, Math.min(i + 8192, bytes.length)));
  }
  return s;
}

/** Text of a Python 2 str (bytes, read as Latin-1) or a unicode string. */
export function pyText(v: PyValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return latin1(v);
  return undefined;
}

const scalarKey = (k: PyValue): PyKey | undefined => {
  if (k instanceof Uint8Array) return latin1(k);
  if (k === null || ['string', 'number', 'bigint', 'boolean'].includes(typeof k)) return k as PyKey;
  return undefined;
};

/**
 * A dict key: a scalar, or a tuple of scalars (as text). Anything else (a list, a nested tuple,
 * an object) is not a key this reader accepts: undefined. Never recursive, so a deeply nested or
 * self-referencing value cannot overflow the stack.
 */
export function toKey(k: PyValue): PyKey | undefined {
  if (!Array.isArray(k)) return scalarKey(k);
  const parts = k.map(scalarKey);
  if (parts.some((p) => p === undefined)) return undefined;
  return JSON.stringify(parts.map((p) => (typeof p === 'bigint' ? `${p}n` : p)));
}

/** A value, in words, for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'None';
  if (typeof v === 'string') return `text ${quote(v)}`;
  if (v instanceof Uint8Array) return `bytes of length ${v.length}`;
  if (Array.isArray(v)) return `a tuple/list of ${v.length}`;
  if (v instanceof PyGlobal) return v.qualified;
  if (v instanceof PyObject) return `an instance of ${v.cls.qualified}`;
  if (typeof v === 'object') return `a ${(v as object).constructor.name}`;
  return `${typeof v} ${String(v)}`;
}
