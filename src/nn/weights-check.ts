// Whether a set of weights fits a model's parameters: every missing, misshapen or unexpected
// tensor named, with the shape the model expects and the one found. Weights read from a file
// that gives its own shapes (safetensors) are described in that file's terms: vectors as [D],
// matrices as [rows, cols]; the engine's own checkpoints as rows×cols.
import type { HostParams } from './params';

export interface ParamShape {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
}

/** The shape a file with N-d shapes (the PyTorch export) gives an engine parameter. */
export function fileShape(name: string, rows: number, cols: number): number[] {
  return rows === 1 && /\.(?:bias|gamma|beta)$/.test(name) ? [cols] : [rows, cols];
}

export function weightProblems(expected: readonly ParamShape[], host: HostParams): string[] {
  const shaped = Object.values(host).some((h) => h.shape);
  const show = (name: string, rows: number, cols: number, shape?: number[]) =>
    shaped ? `[${(shape ?? fileShape(name, rows, cols)).join(', ')}]` : `${rows}×${cols}`;
  const out: string[] = [];
  const known = new Set<string>();
  for (const p of expected) {
    known.add(p.name);
    const h = host[p.name];
    const want = show(p.name, p.rows, p.cols);
    if (!h) out.push(`tensor "${p.name}" is missing (expected shape ${want})`);
    else if (h.rows !== p.rows || h.cols !== p.cols)
      out.push(
        `tensor "${p.name}": expected shape ${want}, found ${show(p.name, h.rows, h.cols, h.shape)}`,
      );
  }
  for (const [name, h] of Object.entries(host)) {
    if (!known.has(name))
      out.push(
        `tensor "${name}" (shape ${show(name, h.rows, h.cols, h.shape)}) is not a parameter of this model`,
      );
  }
  return out;
}

export class WeightsMismatchError extends Error {
  constructor(
    readonly problems: string[],
    source = 'The weights',
  ) {
    super(`${source} do not fit this model: ${problems.join('; ')}.`);
    this.name = 'WeightsMismatchError';
  }
}
