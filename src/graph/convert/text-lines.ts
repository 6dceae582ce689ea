// A (possibly gzipped) text file, line by line, in bounded memory: a line longer than MAX_LINE
// characters is refused when it gets there, instead of growing one string until the engine fails.
import { DatasetError, quote } from '../errors';
import { decompressed } from './gunzip';
import { displayPath, type InputFiles } from './input';

/** The longest line, in characters (a dense feature row of ~100 000 numbers). */
export const MAX_LINE = 8 * 1024 * 1024;

/** Streams the file's lines (without the newline or a trailing "\r"). */
export async function* textLines(
  input: InputFiles,
  path: string,
  onRead?: (bytes: number) => void,
): AsyncGenerator<string> {
  const dec = new TextDecoder('utf-8');
  let rest = '';
  let lineNo = 0;
  const tooLong = (s: string) =>
    new DatasetError(
      displayPath(input, path),
      `line ${lineNo + 1}`,
      `a line of at most ${MAX_LINE} characters`,
      `a longer one starting ${quote(s)}`,
    );
  for await (const chunk of decompressed(input, path, onRead)) {
    const text = rest + dec.decode(chunk, { stream: true });
    const lines = text.split('\n');
    rest = lines.pop()!;
    for (const l of lines) {
      if (l.length > MAX_LINE) throw tooLong(l);
      lineNo++;
      yield l.endsWith('\r') ? l.slice(0, -1) : l;
    }
    if (rest.length > MAX_LINE) throw tooLong(rest);
  }
  rest += dec.decode();
  if (rest.length) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}
