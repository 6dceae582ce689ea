// Growable typed arrays for streaming appends: memory grows with the rows actually read, never
// with a count an input merely declares.

type Typed = Uint32Array | Int32Array | Float32Array | Uint8Array;

class Growable<T extends Typed> {
  data: T;
  length = 0;
  constructor(
    private readonly make: (n: number) => T,
    capacity = 1024,
  ) {
    this.data = make(capacity);
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const t = this.make(Math.max(this.data.length * 2, this.length + extra));
    t.set(this.data.subarray(0, this.length) as never);
    this.data = t;
  }
  push(v: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = v;
  }
  toArray(): T {
    return (this.length === this.data.length ? this.data : this.data.slice(0, this.length)) as T;
  }
}

export class GrowableU32 extends Growable<Uint32Array> {
  constructor(capacity = 1024) {
    super((n) => new Uint32Array(n), capacity);
  }
}

export class GrowableI32 extends Growable<Int32Array> {
  constructor(capacity = 1024) {
    super((n) => new Int32Array(n), capacity);
  }
}

export class GrowableF32 extends Growable<Float32Array> {
  constructor(capacity = 1024) {
    super((n) => new Float32Array(n), capacity);
  }
}

export class GrowableU8 extends Growable<Uint8Array> {
  constructor(capacity = 1024) {
    super((n) => new Uint8Array(n), capacity);
  }
}
