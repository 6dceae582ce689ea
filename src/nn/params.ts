// Learnable parameters. All values live in one flat buffer (tag params), all gradients in another
// (tag grads), Adam's moments in two more (tag optimizer); each Param is a view into them. Zeroing
// the gradients, their global norm and the Adam update are then one dispatch each, however deep
// the network. Weight tying is sharing a Param object.
import type { GpuRuntime } from '../gpu/runtime';
import { Tensor } from '../gpu/tensor';
import { fill } from '../kernels/elementwise';
import { weightProblems, WeightsMismatchError } from './weights-check';

export type Init =
  { kind: 'glorot'; fanIn: number; fanOut: number } | { kind: 'const'; value: number };

/** Views start on 16-byte boundaries so kernels can take their vec4 paths. */
const ALIGN = 4;

export class Param {
  private views: { value: Tensor; grad: Tensor } | null = null;
  constructor(
    readonly name: string,
    readonly rows: number,
    readonly cols: number,
    /** Element offset in the flat buffers. */
    readonly offset: number,
  ) {}

  private get bound() {
    if (!this.views)
      throw new Error(`Parameter "${this.name}" used before its store was finalized.`);
    return this.views;
  }
  get value(): Tensor {
    return this.bound.value;
  }
  get grad(): Tensor {
    return this.bound.grad;
  }
  get numel(): number {
    return this.rows * this.cols;
  }

  bind(flat: FlatParams): void {
    const view = (t: Tensor, suffix: string) =>
      new Tensor(t.buffer, this.rows, this.cols, {
        offset: this.offset,
        owner: `${this.name}${suffix}`,
        view: true,
      });
    this.views = { value: view(flat.value, ''), grad: view(flat.grad, '.grad') };
  }
}

export interface FlatParams {
  value: Tensor;
  grad: Tensor;
  m: Tensor | null;
  v: Tensor | null;
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
  private readonly inits: Float32Array[] = [];
  private readonly random: () => number;
  private size = 0;
  private flatParams: FlatParams | null = null;

  constructor(
    private readonly rt: GpuRuntime,
    seed: number,
  ) {
    this.random = initStream(seed ^ 0x5eed);
  }

  /** Declares a parameter; its tensors exist once finalize() has run. */
  create(name: string, rows: number, cols: number, init: Init): Param {
    if (this.flatParams)
      throw new Error(`Parameter "${name}" declared after the store was finalized.`);
    if (this.params.some((p) => p.name === name))
      throw new Error(`Parameter "${name}" declared twice.`);
    const p = new Param(name, rows, cols, this.size);
    this.size += Math.ceil((rows * cols) / ALIGN) * ALIGN;
    this.params.push(p);
    this.inits.push(initialValues(rows, cols, init, this.random));
    return p;
  }

  /** Allocates the flat buffers, uploads the initial values and binds every parameter's views. */
  finalize(): void {
    if (this.flatParams) return;
    const data = new Float32Array(Math.max(this.size, 1));
    this.params.forEach((p, i) => data.set(this.inits[i], p.offset));
    this.inits.length = 0;
    const value = this.rt.upload(data, 1, data.length, 'params', {
      label: 'parameters',
      persistent: true,
    });
    const grad = this.rt.tensor(1, data.length, 'grads', {
      label: 'gradients',
      persistent: true,
      zero: true,
    });
    this.flatParams = { value, grad, m: null, v: null };
    for (const p of this.params) p.bind(this.flatParams);
  }

  get flat(): FlatParams {
    if (!this.flatParams) throw new Error('The parameter store is not finalized.');
    return this.flatParams;
  }

  /** Adds Adam's zeroed moment buffers (once). */
  ensureMoments(): void {
    const f = this.flat;
    if (f.m) return;
    f.m = this.rt.tensor(1, f.value.cols, 'optimizer', {
      label: 'adam.m',
      persistent: true,
      zero: true,
    });
    f.v = this.rt.tensor(1, f.value.cols, 'optimizer', {
      label: 'adam.v',
      persistent: true,
      zero: true,
    });
  }

  /** Learnable scalars (padding excluded). */
  get count(): number {
    return this.params.reduce((s, p) => s + p.numel, 0);
  }

  zeroGrads(): void {
    fill(this.rt, this.flat.grad, 0);
  }

  /** CPU copies of every value (and Adam moments when present), for checkpoints and device loss. */
  async toHost(): Promise<HostParams> {
    const f = this.flat;
    const value = (await this.rt.read(f.value)) as Float32Array;
    const m = f.m ? ((await this.rt.read(f.m)) as Float32Array) : null;
    const v = f.v ? ((await this.rt.read(f.v)) as Float32Array) : null;
    const out: HostParams = {};
    for (const p of this.params) {
      const slice = (a: Float32Array) => a.slice(p.offset, p.offset + p.numel);
      out[p.name] = {
        rows: p.rows,
        cols: p.cols,
        value: slice(value),
        m: m ? slice(m) : undefined,
        v: v ? slice(v) : undefined,
      };
    }
    return out;
  }

  /** Restores values (and moments) saved by toHost; refuses weights that do not fit, naming each tensor. */
  fromHost(host: HostParams): void {
    const f = this.flat;
    const value = new Float32Array(f.value.cols);
    const hasMoments = this.params.every((p) => host[p.name]?.m && host[p.name]?.v);
    const m = hasMoments ? new Float32Array(f.value.cols) : null;
    const v = hasMoments ? new Float32Array(f.value.cols) : null;
    const problems = weightProblems(this.params, host);
    if (problems.length) throw new WeightsMismatchError(problems);
    for (const p of this.params) {
      const h = host[p.name];
      value.set(h.value, p.offset);
      m?.set(h.m!, p.offset);
      v?.set(h.v!, p.offset);
    }
    this.rt.write(f.value, value);
    if (m && v) {
      this.ensureMoments();
      this.rt.write(f.m!, m);
      this.rt.write(f.v!, v);
    }
  }

  release(): void {
    const f = this.flatParams;
    if (f) this.rt.release(f.value, f.grad, f.m, f.v);
    this.flatParams = null;
    this.params.length = 0;
  }
}

export type HostParams = Record<
  string,
  {
    rows: number;
    cols: number;
    value: Float32Array;
    m?: Float32Array;
    v?: Float32Array;
    /** The shape the file gave (safetensors: [D] for a vector), for messages. */
    shape?: number[];
  }
>;
