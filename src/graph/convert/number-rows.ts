// Comma-separated numbers, parsed row by row from byte chunks without building strings for the
// common cases. Bounded: a token longer than MAX_TOKEN bytes or a row of more than MAX_FIELDS
// fields is refused as soon as it is seen, so a file that is one endless token or line cannot
// grow a buffer without limit.
import { DatasetError, quote } from '../errors';
import { decompressed } from './gunzip';
import { displayPath, type InputFiles } from './input';

/** The longest number token, in bytes (a float64 needs at most ~25). */
export const MAX_TOKEN = 256;
/** The most fields on one row (a feature row of a million columns). */
export const MAX_FIELDS = 1 << 20;

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * onRow(values, count, line) is called for every non-empty line; `values` is reused.
 * Empty fields and "nan" are NaN. Spaces, tabs and "\r" around fields are ignored.
 */
export class NumberRows {
  private vals = new Float64Array(64);
  private count = 0;
  private readonly tok = new Uint8Array(MAX_TOKEN);
  private tokLen = 0;
  private line = 1;
  private fieldSeen = false;

  constructor(
    private readonly file: string,
    private readonly onRow: (values: Float64Array, count: number, line: number) => void,
  ) {}

  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === 44) {
        this.endField();
        this.fieldSeen = true;
      } else if (b === 10) {
        this.endLine();
      } else if (b === 13 || b === 32 || b === 9) {
        // whitespace: ignored
      } else {
        if (this.tokLen === MAX_TOKEN) {
          throw new DatasetError(
            this.file,
            `line ${this.line}, field ${this.count + 1}`,
            `a number (at most ${MAX_TOKEN} characters)`,
            `a longer token starting ${quote(this.text())}`,
          );
        }
        this.tok[this.tokLen++] = b;
      }
    }
  }

  end(): void {
    this.endLine();
  }

  private endLine(): void {
    if (this.tokLen > 0 || this.fieldSeen) this.endField();
    if (this.count > 0) this.onRow(this.vals, this.count, this.line);
    this.count = 0;
    this.fieldSeen = false;
    this.line++;
  }

  private endField(): void {
    const v = this.tokLen === 0 ? NaN : this.parse();
    if (this.count === this.vals.length) {
      if (this.count === MAX_FIELDS) {
        throw new DatasetError(
          this.file,
          `line ${this.line}`,
          `at most ${MAX_FIELDS} fields on a line`,
          'more',
        );
      }
      const t = new Float64Array(this.vals.length * 2);
      t.set(this.vals);
      this.vals = t;
    }
    this.vals[this.count++] = v;
    this.tokLen = 0;
  }

  private parse(): number {
    const t = this.tok;
    const len = this.tokLen;
    let i = 0;
    let neg = false;
    if (t[0] === 45 || t[0] === 43) {
      neg = t[0] === 45;
      i++;
    }
    let mant = 0;
    let digits = 0;
    let exp = 0;
    let any = false;
    while (i < len && t[i] >= 48 && t[i] <= 57) {
      if (digits < 17) {
        mant = mant * 10 + (t[i] - 48);
        if (mant > 0) digits++;
      } else exp++;
      any = true;
      i++;
    }
    if (i < len && t[i] === 46) {
      i++;
      while (i < len && t[i] >= 48 && t[i] <= 57) {
        if (digits < 17) {
          mant = mant * 10 + (t[i] - 48);
          if (mant > 0) digits++;
          exp--;
        }
        any = true;
        i++;
      }
    }
    if (any && i < len && (t[i] === 101 || t[i] === 69)) {
      i++;
      let eneg = false;
      if (t[i] === 45 || t[i] === 43) {
        eneg = t[i] === 45;
        i++;
      }
      let e = 0;
      let ed = false;
      while (i < len && t[i] >= 48 && t[i] <= 57) {
        e = Math.min(e * 10 + (t[i] - 48), 100000);
        ed = true;
        i++;
      }
      if (!ed) any = false;
      exp += eneg ? -e : e;
    }
    if (any && i === len) {
      if (digits <= 15 && exp >= -22 && exp <= 22) {
        const v = exp < 0 ? mant / POW10[-exp] : mant * POW10[exp];
        return neg ? -v : v;
      }
      return Number(this.text());
    }
    const s = this.text();
    const lower = s.toLowerCase();
    if (lower === 'nan' || lower === '-nan') return NaN;
    if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
    if (lower === '-inf' || lower === '-infinity') return -Infinity;
    throw new DatasetError(
      this.file,
      `line ${this.line}, field ${this.count + 1}`,
      'a number',
      quote(s),
    );
  }

  private text(): string {
    return new TextDecoder().decode(this.tok.subarray(0, this.tokLen));
  }
}

/** Streams a (possibly gzipped) file of comma-separated numbers row by row. */
export async function readNumberRows(
  input: InputFiles,
  path: string,
  onRow: (values: Float64Array, count: number, line: number) => void,
  onRead?: (bytes: number) => void,
): Promise<void> {
  const parser = new NumberRows(displayPath(input, path), onRow);
  for await (const chunk of decompressed(input, path, onRead)) parser.push(chunk);
  parser.end();
}
