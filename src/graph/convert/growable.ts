// Growable typed arrays for streaming appends: memory grows with the rows actually read, never
// with a count an input merely declares.

type Typed = Uint32Array | Int32Array | Float32Array | Uint8Array;

export class Growable<T extends Typed> {
  data: T;
  length = 0;
  constructor(
    private readonly Make: new (n: number) => T,
    capacity = 1024,
  ) {
    this.data = new Make(capacity);
  }
  reserve(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const t = new this.Make(Math.max(this.data.length * 2, this.length + extra));
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
