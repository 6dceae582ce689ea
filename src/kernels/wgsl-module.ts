// Assembling one WGSL module from pieces: named sections of a file (`//! name` lines) and whole
// files. Global directives (`enable subgroups;`) must open a module, so joining lifts them above
// everything else wherever the piece that needs them sits.

const DIRECTIVE = /^\s*(enable|requires|diagnostic)\b[^;]*;\s*$/;

/** The pieces concatenated, with every directive line moved (once) to the top. */
export function joinWgsl(...pieces: string[]): string {
  const directives: string[] = [];
  const body: string[] = [];
  for (const line of pieces.join('\n').split('\n')) {
    if (DIRECTIVE.test(line)) {
      const d = line.trim();
      if (!directives.includes(d)) directives.push(d);
    } else body.push(line);
  }
  return directives.length ? `${directives.join('\n')}\n${body.join('\n')}` : body.join('\n');
}

/**
 * One module from a WGSL file split into sections by `//! name` lines: the named sections joined in
 * the order given. Sparse kernels keep one body and two families of accessors (scalar, vec4);
 * variants in their own files reuse a family's header.
 */
export function wgslModule(code: string, sections: readonly string[]): string {
  const parts = new Map<string, string>();
  let name = '';
  let lines: string[] = [];
  for (const line of code.split('\n')) {
    const m = /^\/\/! (\w+)\s*$/.exec(line);
    if (m) {
      parts.set(name, lines.join('\n'));
      name = m[1];
      lines = [];
    } else lines.push(line);
  }
  parts.set(name, lines.join('\n'));
  return joinWgsl(
    ...sections.map((s) => {
      const text = parts.get(s);
      if (text === undefined) throw new Error(`wgslModule: no section "${s}".`);
      return text;
    }),
  );
}
