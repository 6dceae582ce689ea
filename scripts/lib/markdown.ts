// The two pieces of Markdown the benchmark reports are made of: a table, and a README section
// between markers that a new run replaces in place.

export function table(head: string[], rows: (string | number)[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export interface Section {
  start: string;
  end: string;
  /** Heading written above the markers when the README has no such section yet. */
  heading: string;
}

/** The README with the section between `s.start` and `s.end` replaced (or appended). */
export function replaceSection(readme: string, body: string, s: Section): string {
  const section = `${s.start}\n${body}\n${s.end}`;
  const a = readme.indexOf(s.start);
  const b = readme.indexOf(s.end);
  if (a >= 0 && b > a) return readme.slice(0, a) + section + readme.slice(b + s.end.length);
  return `${readme.trimEnd()}\n\n${s.heading}\n\n${section}\n`;
}
