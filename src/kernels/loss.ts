// Training losses on the GPU, masked to one split: per-row gradients and the mean loss in a 1×1
// tensor, with no readback. The row pass leaves one partial sum per workgroup; reduce's finish
// pass folds them in a fixed order and divides by the count the CPU already knows.
import code from '../../shaders/loss.wgsl?raw';
import type { GpuRuntime } from '../gpu/runtime';
import type { Tensor } from '../gpu/tensor';
import { uniforms } from '../gpu/uniforms';
import { grid1d } from './grid';
import { bindKernel, expectShape, type OperandDecl } from './operands';
import { finishPartials } from './reduce';

const WG = 64;

const family = {
  name: 'loss',
  code,
  manifest: [
    { name: 'logits', dtype: 'f32' },
    { name: 'labels', dtype: 'i32' },
    { name: 'targets', dtype: 'f32' },
    { name: 'mask', dtype: 'u32' },
    { name: 'grad', dtype: 'f32' },
    { name: 'part', dtype: 'f32' },
  ] satisfies OperandDecl[],
};

interface LossCall {
  fn: string;
  entry: 'softmax_xent' | 'bce';
  logits: Tensor;
  labels: Tensor | null;
  targets: Tensor | null;
  mask: Tensor;
  select: number;
  /** What the summed loss and the gradient are divided by. */
  denominator: number;
  grad: Tensor;
  loss: Tensor;
}

function run(rt: GpuRuntime, q: LossCall): void {
  const { fn, logits, labels, targets, mask, grad, loss } = q;
  const n = logits.rows;
  expectShape(fn, 'mask', mask, n, 1);
  expectShape(fn, 'grad', grad, n, logits.cols);
  expectShape(fn, 'loss', loss, 1, 1);
  if (logits.cols < 1) throw new Error(`${fn}: logits (${logits.owner}) has no columns.`);
  if (!Number.isInteger(q.select) || q.select < 0) {
    throw new Error(`${fn}: select must be a non-negative integer split code, found ${q.select}.`);
  }
  const inv = q.denominator > 0 ? 1 / q.denominator : 0;
  const groups = Math.max(1, Math.ceil(n / WG));
  const part = rt.tensor(groups, 1, 'workspace', { label: `${fn}.partials` });
  const { kernel, buffers } = bindKernel(
    rt,
    family,
    q.entry,
    { logits, labels, targets, mask, grad, part },
    ['grad', 'part'],
  );
  const u = uniforms()
    .u32(n)
    .u32(logits.cols)
    .view2d(logits)
    .u32(labels?.offset ?? 0)
    .u32(labels?.rowStride ?? 0)
    .u32(targets?.offset ?? 0)
    .u32(targets?.rowStride ?? 0)
    .view2d(mask)
    .view2d(grad)
    .u32(q.select)
    .f32(inv)
    .u32(groups);
  rt.batcher.dispatch(kernel, u, buffers, grid1d(groups * WG, WG));
  finishPartials(rt, part, groups, loss, { scale: inv });
  rt.release(part);
}

function checkCount(fn: string, count: number, rows: number): void {
  if (!Number.isInteger(count) || count < 0 || count > rows) {
    throw new Error(`${fn}: count must be an integer in [0, ${rows}], found ${count}.`);
  }
}

/**
 * loss = mean over selected labelled rows of −log softmax(logits)[label] (max-subtracted);
 * grad = (softmax − onehot)/count on those rows, 0 on every other row. A row counts when
 * mask = select and 0 ≤ label < K; label −1 (unlabelled) and any other label are skipped.
 */
export function softmaxCrossEntropy(
  rt: GpuRuntime,
  logits: Tensor,
  labels: Tensor,
  mask: Tensor,
  select: number,
  count: number,
  grad: Tensor,
  loss: Tensor,
): void {
  const fn = 'softmaxCrossEntropy';
  expectShape(fn, 'labels', labels, logits.rows, 1);
  checkCount(fn, count, logits.rows);
  run(rt, {
    fn,
    entry: 'softmax_xent',
    logits,
    labels,
    targets: null,
    mask,
    select,
    denominator: count,
    grad,
    loss,
  });
}

/**
 * loss = mean over selected rows × T tasks of max(z, 0) − z·y + log(1 + e^−|z|), the stable
 * form of binary cross-entropy on logits; grad = (σ(z) − y)/(count·T) there, 0 elsewhere.
 */
export function bceWithLogits(
  rt: GpuRuntime,
  logits: Tensor,
  targets: Tensor,
  mask: Tensor,
  select: number,
  count: number,
  grad: Tensor,
  loss: Tensor,
): void {
  const fn = 'bceWithLogits';
  expectShape(fn, 'targets', targets, logits.rows, logits.cols);
  checkCount(fn, count, logits.rows);
  run(rt, {
    fn,
    entry: 'bce',
    logits,
    labels: null,
    targets,
    mask,
    select,
    denominator: count * logits.cols,
    grad,
    loss,
  });
}
