// Learnable parameters: each has a value (tag params), a gradient (tag grads) and, once the
// optimizer touches it, Adam moments (tag optimizer). Weight tying is sharing a Param object.
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { fill } from '../kernels/elementwise';

export type Init =
  { kind: 'glorot'; fanIn: number; fanOut: number } | { kind: 'const'; value: number };

export class Param {
  grad: Tensor;
  m: Tensor | null = null;
  v: Tensor | null = null;
  constructor(
    readonly name: string,
    readonly value: Tensor,
    grad: Tensor,
  ) {
    this.grad = grad;
  }
  get rows(): number {
    return this.value.rows;
  }
  get cols(): number {
    return this.value.cols;
  }
  get numel(): number {
    return this.value.numel;
  }
}

/** A seeded stream of uniforms for reproducible initialisation (mulberry32). */
export function initStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function initialValues(
  rows: number,
  cols: number,
  init: Init,
  random: () => number,
): Float32Array {
  const out = new Float32Array(rows * cols);
  if (init.kind === 'const') return out.fill(init.value);
  // Glorot/Xavier uniform, as torch_geometric's Linear uses.
  const bound = Math.sqrt(6 / (init.fanIn + init.fanOut));
  for (let i = 0; i < out.length; i++) out[i] = (2 * random() - 1) * bound;
  return out;
}

export class ParamStore {
  readonly params: Param[] = [];
  private readonly random: () => number;

  constructor(
    private readonly rt: GpuRuntime,
    seed: number,
  ) {
    this.random = initStream(seed ^ 0x5eed);
  }

  create(name: string, rows: number, cols: number, init: Init): Param {
    const data = initialValues(rows, cols, init, this.random);
    const value = this.rt.upload(data, rows, cols, 'params', { label: name, persistent: true });
    const grad = this.rt.tensor(rows, cols, 'grads', {
      label: `${name}.grad`,
      persistent: true,
      zero: true,
    });
    const p = new Param(name, value, grad);
    this.params.push(p);
    return p;
  }

  get count(): number {
    return this.params.reduce((s, p) => s + p.numel, 0);
  }

  zeroGrads(): void {
    for (const p of this.params) fill(this.rt, p.grad, 0);
  }

  /** CPU copies of every value (and Adam moments when present), for checkpoints and device loss. */
  async toHost(): Promise<HostParams> {
    const out: HostParams = {};
    for (const p of this.params) {
      out[p.name] = {
        rows: p.rows,
        cols: p.cols,
        value: (await this.rt.read(p.value)) as Float32Array,
        m: p.m ? ((await this.rt.read(p.m)) as Float32Array) : undefined,
        v: p.v ? ((await this.rt.read(p.v)) as Float32Array) : undefined,
      };
    }
    return out;
  }

  /** Restores values (and moments) saved by toHost; names and shapes must match. */
  fromHost(host: HostParams): void {
    for (const p of this.params) {
      const h = host[p.name];
      if (!h) throw new Error(`Checkpoint has no parameter "${p.name}".`);
      if (h.rows !== p.rows || h.cols !== p.cols) {
        throw new Error(
          `Checkpoint parameter "${p.name}" is ${h.rows}×${h.cols}, the model needs ${p.rows}×${p.cols}.`,
        );
      }
      this.rt.write(p.value, h.value);
      if (h.m && h.v) {
        p.m ??= this.rt.tensor(p.rows, p.cols, 'optimizer', {
          label: `${p.name}.m`,
          persistent: true,
        });
        p.v ??= this.rt.tensor(p.rows, p.cols, 'optimizer', {
          label: `${p.name}.v`,
          persistent: true,
        });
        this.rt.write(p.m, h.m);
        this.rt.write(p.v, h.v);
      }
    }
  }

  release(): void {
    for (const p of this.params) this.rt.release(p.value, p.grad, p.m, p.v);
    this.params.length = 0;
  }
}

export type HostParams = Record<
  string,
  { rows: number; cols: number; value: Float32Array; m?: Float32Array; v?: Float32Array }
>;
