// The promise every conversion keeps: whatever goes wrong reaches the user as a DatasetError that
// names the input. Checks throw DatasetErrors themselves; this catches what slipped past them —
// an engine limit (an allocation that failed, a string or array too long, the call stack) or a
// bug — and names the file being read when it happened instead of showing a raw runtime error.
import { DatasetError } from '../errors';
import { MANIFEST_FILE } from '../format';

function engineLimit(e: Error): { field: string; expected: string; found: string } | undefined {
  const m = e.message;
  if (
    /allocation failed|invalid typed array length|invalid array length|array buffer|out of memory/i.test(
      m,
    )
  ) {
    return {
      field: 'size',
      expected: 'a graph that fits in memory (lower --max-nodes, or convert on a larger machine)',
      found: `an allocation that failed (${m})`,
    };
  }
  if (/maximum call stack/i.test(m)) {
    return {
      field: 'structure',
      expected: 'data nested less deeply',
      found: `too deep to read (${m})`,
    };
  }
  if (e.name === 'QuotaExceededError' || /quota|no space|ENOSPC/i.test(m)) {
    return { field: 'space', expected: 'room to store the dataset', found: `none left (${m})` };
  }
  if (/invalid string length/i.test(m)) {
    return {
      field: 'size',
      expected: 'text this reader can hold',
      found: `a string too long (${m})`,
    };
  }
  return undefined;
}

/** `e` as a DatasetError about `file` (a DatasetError passes through unchanged). */
export function asDatasetError(e: unknown, file: string, stage: string): DatasetError {
  if (e instanceof DatasetError) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  const limit = engineLimit(err);
  if (limit)
    return new DatasetError(file, limit.field, limit.expected, limit.found, `while ${stage}`);
  return new DatasetError(
    file,
    stage,
    'input this converter can read',
    `an internal error (${err.name}: ${err.message})`,
    'please report it with the input',
  );
}

/**
 * The loader's checks of a converted shard name the shard (shard-002.bin), a staging file the user
 * never sees: such an error is about the input, and is reported as one.
 */
export function aboutInput(e: DatasetError, input: string): DatasetError {
  if (!/^shard-\d+\.bin$/.test(e.file) && e.file !== MANIFEST_FILE) return e;
  return new DatasetError(
    input,
    `the converted data (${e.file}: ${e.field})`,
    e.expected,
    e.found,
    'the input passed the converter’s checks but its result did not: please report it',
  );
}
