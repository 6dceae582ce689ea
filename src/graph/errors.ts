// One error type for everything that reads, checks or writes a dataset: it names the file, the
// field, what was expected and what was found, so a person can fix the input without a debugger.
// Every part is cut to a readable length here, once: a hostile input must not turn one error into
// a 300 KB line by quoting a huge token.

/** The longest part of a message (file, field, expected, found, hint) before it is cut. */
export const MAX_MESSAGE_PART = 240;

/** `s`, cut to `max` characters with an ellipsis and the full length when it is longer. */
export function cut(s: string, max = MAX_MESSAGE_PART): string {
  if (s.length <= max) return s;
  return `${s.slice(0, max - 1)}… (${s.length} characters)`;
}

/** A token from the input, quoted for a message and cut to a short length. */
export function quote(s: string, max = 40): string {
  return s.length > max
    ? `${JSON.stringify(s.slice(0, max))}… (${s.length} characters)`
    : JSON.stringify(s);
}

export class DatasetError extends Error {
  readonly file: string;
  readonly field: string;
  readonly expected: string;
  readonly found: string;
  readonly hint?: string;

  constructor(file: string, field: string, expected: string, found: string, hint?: string) {
    file = cut(file, 2 * MAX_MESSAGE_PART);
    field = cut(field);
    expected = cut(expected);
    found = cut(found);
    hint = hint === undefined ? undefined : cut(hint);
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
  if (typeof v === 'string') return quote(v, 57);
  if (typeof v === 'number' || typeof v === 'boolean' || v == null) return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return `a ${typeof v}`;
}
