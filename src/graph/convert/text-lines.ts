// A (possibly gzipped) text file, line by line, in bounded memory: a line longer than MAX_LINE
// characters is refused when it gets there, instead of growing one string until the engine fails.
// A partial line is kept as pieces and joined once, so a long line costs linear time.
import { DatasetError, quote } from '../errors';
import { decompressed } from './gunzip';
import { displayPath, type InputFiles } from './input';

/** The longest line, in characters (a dense feature row of ~100 000 numbers). */
export const MAX_LINE = 8 * 1024 * 1024;

const trimCr = (l: string) => (l.endsWith('\r') ? l.slice(0, -1) : l);

/** Streams the file's lines (without the newline or a trailing "\r"). */
export async function* textLines(
  input: InputFiles,
  path: string,
  onRead?: (bytes: number) => void,
): AsyncGenerator<string> {
  const dec = new TextDecoder('utf-8');
  let pieces: string[] = [];
  let pending = 0;
  let lineNo = 0;
  const tooLong = () =>
    new DatasetError(
      displayPath(input, path),
      `line ${lineNo + 1}`,
      `a line of at most ${MAX_LINE} characters`,
      `a longer one starting ${quote(pieces.join('').slice(0, 41))}`,
    );
  for await (const chunk of decompressed(input, path, onRead)) {
    const text = dec.decode(chunk, { stream: true });
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      pending += nl - from;
      if (pending > MAX_LINE) throw tooLong();
      pieces.push(text.slice(from, nl));
      const line = pieces.length === 1 ? pieces[0] : pieces.join('');
      pieces = [];
      pending = 0;
      lineNo++;
      yield trimCr(line);
      from = nl + 1;
    }
    if (from < text.length) {
      pieces.push(text.slice(from));
      pending += text.length - from;
      if (pending > MAX_LINE) throw tooLong();
    }
  }
  pieces.push(dec.decode());
  const last = pieces.join('');
  if (last.length) yield trimCr(last);
}
