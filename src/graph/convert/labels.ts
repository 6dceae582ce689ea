// Class labels, shared by the OGB and CSV converters: a class id must be a whole number ≥ 0, and
// there are never more classes than labelled nodes. A class id of 2·10⁹ would otherwise make a
// model with two billion outputs, and an id past 2³¹ would wrap in the stored int32.
import { DatasetError } from '../errors';
import type { NodeLabels } from '../types';

/** Float32 holds whole numbers exactly up to here. */
const MAX_CLASSES = 2 ** 24;

/** Refuses a class id that is not a whole number or implies more classes than labelled nodes. */
export function checkClassId(c: number, labelled: number, file: string, field: string): void {
  if (!Number.isInteger(c) || c < 0) {
    throw new DatasetError(
      file,
      field,
      'a class id (a whole number ≥ 0; empty or NaN for none)',
      String(c),
    );
  }
  const bound = Math.min(labelled, MAX_CLASSES);
  if (c >= bound) {
    throw new DatasetError(
      file,
      field,
      `a class id below ${bound} (no more classes than the ${labelled} labelled nodes)`,
      `${c}, which implies ${c + 1} classes`,
    );
  }
}

/** One value per node: a class id, NaN for none. */
export function classIds(values: Float32Array, file: string): NodeLabels {
  let labelled = 0;
  for (const v of values) if (!Number.isNaN(v)) labelled++;
  const y = new Int32Array(values.length);
  let C = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      y[i] = -1;
      continue;
    }
    checkClassId(v, labelled, file, `line ${i + 1}`);
    y[i] = v;
    C = Math.max(C, v + 1);
  }
  return { kind: 'multiclass', numClasses: Math.max(C, 1), y };
}
