// A 2-D view onto a tracked buffer. The row stride lets a group's channel slice be a view,
// so the reversible coupling never copies groups in and out of the full-width activation.
import type { TrackedBuffer } from './tracked-allocator';
import type { MemoryTag } from './memory-tags';

export type DType = 'f32' | 'u32' | 'i32';

export interface TensorInit {
  offset?: number;
  rowStride?: number;
  dtype?: DType;
  owner?: string;
  view?: boolean;
}

export class Tensor {
  readonly buffer: TrackedBuffer;
  readonly rows: number;
  readonly cols: number;
  /** In elements, from the start of the buffer. */
  readonly offset: number;
  /** In elements, between the starts of consecutive rows. */
  readonly rowStride: number;
  readonly dtype: DType;
  readonly owner: string;
  readonly isView: boolean;

  constructor(buffer: TrackedBuffer, rows: number, cols: number, init: TensorInit = {}) {
    this.buffer = buffer;
    this.rows = rows;
    this.cols = cols;
    this.offset = init.offset ?? 0;
    this.rowStride = init.rowStride ?? cols;
    this.dtype = init.dtype ?? 'f32';
    this.owner = init.owner ?? buffer.label;
    this.isView = !!init.view;
    const lastElement = rows === 0 ? 0 : this.offset + (rows - 1) * this.rowStride + cols;
    if (lastElement * 4 > buffer.bytes) {
      throw new Error(
        `Tensor ${this.owner} [${rows}×${cols}, stride ${this.rowStride}, offset ${this.offset}] ` +
          `does not fit its buffer of ${buffer.bytes} bytes.`,
      );
    }
  }

  get tag(): MemoryTag {
    return this.buffer.tag;
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get numel(): number {
    return this.rows * this.cols;
  }

  get isContiguous(): boolean {
    return this.rowStride === this.cols || this.rows <= 1;
  }

  /** Columns [c0, c1) of every row, as a view sharing this tensor's buffer. */
  colSlice(c0: number, c1: number): Tensor {
    if (c0 < 0 || c1 > this.cols || c0 > c1) {
      throw new Error(
        `colSlice(${c0}, ${c1}) out of range for ${this.cols} columns of ${this.owner}`,
      );
    }
    return new Tensor(this.buffer, this.rows, c1 - c0, {
      offset: this.offset + c0,
      rowStride: this.rowStride,
      dtype: this.dtype,
      owner: `${this.owner}[:, ${c0}:${c1}]`,
      view: true,
    });
  }

  /** Rows [r0, r1), as a view. */
  rowSlice(r0: number, r1: number): Tensor {
    if (r0 < 0 || r1 > this.rows || r0 > r1) {
      throw new Error(`rowSlice(${r0}, ${r1}) out of range for ${this.rows} rows of ${this.owner}`);
    }
    return new Tensor(this.buffer, r1 - r0, this.cols, {
      offset: this.offset + r0 * this.rowStride,
      rowStride: this.rowStride,
      dtype: this.dtype,
      owner: `${this.owner}[${r0}:${r1}]`,
      view: true,
    });
  }

  sameShape(other: Tensor): boolean {
    return this.rows === other.rows && this.cols === other.cols;
  }
}
