// One error type for everything that reads, checks or writes a dataset: it names the file, the
// field, what was expected and what was found, so a person can fix the input without a debugger.

export class DatasetError extends Error {
  readonly file: string;
  readonly field: string;
  readonly expected: string;
  readonly found: string;
  readonly hint?: string;

  constructor(file: string, field: string, expected: string, found: string, hint?: string) {
    super(`${file}: ${field}: expected ${expected}, found ${found}` + (hint ? ` (${hint})` : ''));
    this.name = 'DatasetError';
    this.file = file;
    this.field = field;
    this.expected = expected;
    this.found = found;
    this.hint = hint;
  }

  /** The same error about the same file at another location (e.g. with its folder or URL). */
  at(file: string): DatasetError {
    return new DatasetError(file, this.field, this.expected, this.found, this.hint);
  }
}

/** A pickle this reader cannot decode (an opcode it does not know, a truncated stream …). */
export class PickleError extends DatasetError {
  readonly offset: number;

  constructor(file: string, offset: number, expected: string, found: string) {
    super(file, `pickle byte offset ${offset}`, expected, found);
    this.name = 'PickleError';
    this.offset = offset;
  }
}

/** A short, printable rendering of a value for an error message. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 57) + '…' : v);
  if (typeof v === 'number' || typeof v === 'boolean' || v == null) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return `a ${typeof v}`;
}
