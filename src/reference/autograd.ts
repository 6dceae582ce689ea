// A tiny reverse-mode autodiff over float64 matrices. The reference model is written as a plain
// forward with these ops, so its gradients are an independent check of the GPU engine's
// hand-written backward passes and memory policies.
import type { Csr } from '../graph/types';
import { transposeCsr } from '../graph/csr';
import { spmmRef } from './sparse';
import {
  genMaxBackwardRef,
  genMaxForwardRef,
  genSoftmaxBackwardRef,
  genSoftmaxBetaGradRef,
  genSoftmaxForwardRef,
} from './aggregate';
import { genPowerBackwardRef, genPowerForwardRef } from './power-mean';
import { gatBackwardRef, gatForwardRef } from './gat';
import { layerNormBackwardRef, layerNormRef } from './layernorm';

export class Var {
  grad: Float64Array;
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly data: Float64Array,
  ) {
    this.grad = new Float64Array(data.length);
  }
}

export class Tape {
  private readonly steps: (() => void)[] = [];

  leaf(rows: number, cols: number, data: ArrayLike<number>): Var {
    return new Var(rows, cols, Float64Array.from(data));
  }

  private out(rows: number, cols: number, data: Float64Array, back: (o: Var) => void): Var {
    const o = new Var(rows, cols, data);
    this.steps.push(() => back(o));
    return o;
  }

  /** Seeds d(loss)/d(loss) = 1 and runs every recorded backward, last first. */
  backward(loss: Var): void {
    loss.grad[0] = 1;
    for (let i = this.steps.length - 1; i >= 0; i--) this.steps[i]();
  }

  matmul(x: Var, w: Var): Var {
    const [n, k, m] = [x.rows, x.cols, w.cols];
    const y = new Float64Array(n * m);
    for (let i = 0; i < n; i++)
      for (let p = 0; p < k; p++) {
        const a = x.data[i * k + p];
        for (let j = 0; j < m; j++) y[i * m + j] += a * w.data[p * m + j];
      }
    return this.out(n, m, y, (o) => {
      for (let i = 0; i < n; i++)
        for (let p = 0; p < k; p++)
          for (let j = 0; j < m; j++) {
            x.grad[i * k + p] += o.grad[i * m + j] * w.data[p * m + j];
            w.grad[p * m + j] += x.data[i * k + p] * o.grad[i * m + j];
          }
    });
  }

  /** x + bias on every row. */
  addBias(x: Var, b: Var): Var {
    const y = Float64Array.from(x.data, (v, idx) => v + b.data[idx % x.cols]);
    return this.out(x.rows, x.cols, y, (o) => {
      for (let idx = 0; idx < y.length; idx++) {
        x.grad[idx] += o.grad[idx];
        b.grad[idx % x.cols] += o.grad[idx];
      }
    });
  }

  add(a: Var, b: Var): Var {
    return this.out(
      a.rows,
      a.cols,
      Float64Array.from(a.data, (v, i) => v + b.data[i]),
      (o) => {
        for (let i = 0; i < o.grad.length; i++) {
          a.grad[i] += o.grad[i];
          b.grad[i] += o.grad[i];
        }
      },
    );
  }

  relu(x: Var): Var {
    return this.out(
      x.rows,
      x.cols,
      Float64Array.from(x.data, (v) => Math.max(v, 0)),
      (o) => {
        for (let i = 0; i < o.grad.length; i++) if (x.data[i] > 0) x.grad[i] += o.grad[i];
      },
    );
  }

  /** Multiplies by a constant (e.g. a dropout keep mask already scaled by 1/(1−p)). */
  mulConst(x: Var, c: ArrayLike<number>): Var {
    return this.out(
      x.rows,
      x.cols,
      Float64Array.from(x.data, (v, i) => v * c[i]),
      (o) => {
        for (let i = 0; i < o.grad.length; i++) x.grad[i] += o.grad[i] * c[i];
      },
    );
  }

  /** A·x with a constant sparse A. */
  spmm(a: Csr, x: Var): Var {
    const aT = transposeCsr(a);
    return this.out(a.rows, x.cols, spmmRef(a, x.data, x.cols), (o) => {
      const g = spmmRef(aT, o.grad, x.cols);
      for (let i = 0; i < g.length; i++) x.grad[i] += g[i];
    });
  }

  layerNorm(x: Var, gamma: Var, beta: Var, eps = 1e-5): Var {
    const y = layerNormRef(x.data, x.rows, x.cols, gamma.data, beta.data, eps);
    return this.out(x.rows, x.cols, y, (o) => {
      const g = layerNormBackwardRef(x.data, x.rows, x.cols, gamma.data, o.grad, eps);
      for (let i = 0; i < g.dx.length; i++) x.grad[i] += g.dx[i];
      for (let c = 0; c < x.cols; c++) {
        gamma.grad[c] += g.dgamma[c];
        beta.grad[c] += g.dbeta[c];
      }
    });
  }

  /**
   * GEN aggregation over in-edges of a; edge (nnz × cols) may be null. `param` is softmax's β or
   * the power mean's p: a constant, or a 1×1 leaf that receives its gradient.
   */
  genAggregate(
    a: Csr,
    x: Var,
    edge: Var | null,
    kind: 'max' | 'softmax' | 'power',
    eps: number,
    param: number | Var,
  ): Var {
    const inputs = () => ({ a, x: x.data, edge: edge ? edge.data : null, d: x.cols, eps });
    const value = () => (typeof param === 'number' ? param : param.data[0]);
    const addParamGrad = (g: number) => {
      if (typeof param !== 'number') param.grad[0] += g;
    };
    if (kind === 'max') {
      const f = genMaxForwardRef(inputs());
      return this.out(a.rows, x.cols, f.out, (o) => {
        const g = genMaxBackwardRef(inputs(), f.argmax, o.grad);
        this.accumulate(x, edge, g.dx, g.dEdge);
      });
    }
    if (kind === 'power') {
      return this.out(a.rows, x.cols, genPowerForwardRef(inputs(), value()), (o) => {
        const g = genPowerBackwardRef(inputs(), value(), o.grad);
        this.accumulate(x, edge, g.dx, g.dEdge);
        addParamGrad(g.dP);
      });
    }
    const f = genSoftmaxForwardRef(inputs(), value());
    return this.out(a.rows, x.cols, f.out, (o) => {
      const g = genSoftmaxBackwardRef(inputs(), value(), o.grad);
      this.accumulate(x, edge, g.dx, g.dEdge);
      addParamGrad(genSoftmaxBetaGradRef(inputs(), value(), o.grad));
    });
  }

  /** GAT attention (the aggregation between z = x·W and the bias); edge (nnz × cols) may be null. */
  gatAttention(a: Csr, z: Var, att: Var, edge: Var | null, heads: number, slope: number): Var {
    const inputs = () => {
      const e = edge ? edge.data : null;
      return { a, z: z.data, att: att.data, edge: e, heads, w: z.cols, slope };
    };
    return this.out(a.rows, z.cols, gatForwardRef(inputs()).out, (o) => {
      const g = gatBackwardRef(inputs(), o.grad);
      for (let i = 0; i < g.dAtt.length; i++) att.grad[i] += g.dAtt[i];
      this.accumulate(z, edge, g.dz, g.dEdge);
    });
  }

  private accumulate(x: Var, edge: Var | null, dx: Float64Array, dEdge: Float64Array | null): void {
    for (let i = 0; i < dx.length; i++) x.grad[i] += dx[i];
    if (edge && dEdge) for (let i = 0; i < dEdge.length; i++) edge.grad[i] += dEdge[i];
  }

  /** Columns [c0, c1). */
  cols(x: Var, c0: number, c1: number): Var {
    const w = c1 - c0;
    const y = new Float64Array(x.rows * w);
    for (let r = 0; r < x.rows; r++)
      for (let c = 0; c < w; c++) y[r * w + c] = x.data[r * x.cols + c0 + c];
    return this.out(x.rows, w, y, (o) => {
      for (let r = 0; r < x.rows; r++)
        for (let c = 0; c < w; c++) x.grad[r * x.cols + c0 + c] += o.grad[r * w + c];
    });
  }

  concatCols(parts: Var[]): Var {
    const rows = parts[0].rows;
    const total = parts.reduce((s, p) => s + p.cols, 0);
    const y = new Float64Array(rows * total);
    let at = 0;
    for (const p of parts) {
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < p.cols; c++) y[r * total + at + c] = p.data[r * p.cols + c];
      at += p.cols;
    }
    return this.out(rows, total, y, (o) => {
      let off = 0;
      for (const p of parts) {
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < p.cols; c++) p.grad[r * p.cols + c] += o.grad[r * total + off + c];
        off += p.cols;
      }
    });
  }

  /** Mean softmax cross-entropy over the rows where `use` is true and the label ≥ 0. */
  crossEntropy(logits: Var, labels: Int32Array, isUsed: (row: number) => boolean): Var {
    const K = logits.cols;
    const rows: number[] = [];
    for (let i = 0; i < logits.rows; i++) if (isUsed(i) && labels[i] >= 0) rows.push(i);
    const probs = new Float64Array(logits.data.length);
    let loss = 0;
    for (const i of rows) {
      const z = logits.data.subarray(i * K, (i + 1) * K);
      const m = Math.max(...z);
      const s = z.reduce((acc, v) => acc + Math.exp(v - m), 0);
      for (let k = 0; k < K; k++) probs[i * K + k] = Math.exp(z[k] - m) / s;
      loss -= z[labels[i]] - m - Math.log(s);
    }
    const n = Math.max(rows.length, 1);
    return this.out(1, 1, Float64Array.of(loss / n), (o) => {
      for (const i of rows)
        for (let k = 0; k < K; k++) {
          logits.grad[i * K + k] +=
            (o.grad[0] * (probs[i * K + k] - (k === labels[i] ? 1 : 0))) / n;
        }
    });
  }

  /** Mean BCE-with-logits over the used rows × all tasks. */
  bceWithLogits(logits: Var, targets: ArrayLike<number>, isUsed: (row: number) => boolean): Var {
    const T = logits.cols;
    const rows: number[] = [];
    for (let i = 0; i < logits.rows; i++) if (isUsed(i)) rows.push(i);
    let loss = 0;
    for (const i of rows)
      for (let t = 0; t < T; t++) {
        const z = logits.data[i * T + t];
        loss += Math.max(z, 0) - z * targets[i * T + t] + Math.log1p(Math.exp(-Math.abs(z)));
      }
    const n = Math.max(rows.length * T, 1);
    return this.out(1, 1, Float64Array.of(loss / n), (o) => {
      for (const i of rows)
        for (let t = 0; t < T; t++) {
          const z = logits.data[i * T + t];
          logits.grad[i * T + t] += (o.grad[0] * (1 / (1 + Math.exp(-z)) - targets[i * T + t])) / n;
        }
    });
  }
}
