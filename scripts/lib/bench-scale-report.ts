// The README table of `npm run bench -- --scale`: the measured figures beside the paper's.
import type { BenchScaleResult, ScaleMeasurement } from '../../src/headless/bench-scale.ts';
import { formatBytes } from '../../src/util/format.ts';
import { replaceSection, table } from './markdown.ts';

export const SCALE_START = '<!-- bench-scale:start -->';
export const SCALE_END = '<!-- bench-scale:end -->';

function held(m: ScaleMeasurement): string {
  if (m.status === 'oom')
    return `out of memory (${formatBytes(m.peakHeldBytes)} held when refused)`;
  if (m.status === 'error') return `failed: ${m.message ?? ''}`.slice(0, 120);
  return `${formatBytes(m.peakHeldBytes)} (in use ${formatBytes(m.peakInUseBytes)})`;
}

function parts(m: ScaleMeasurement): string {
  return m.parts
    .map(
      (p) =>
        `${p.kind} ${p.nodes.toLocaleString('en-US')} n / ${p.edges.toLocaleString('en-US')} e`,
    )
    .join('; ');
}

/** Held(L = deep) / held(L = shallow) for one model on the parts probe. */
export function depthRatio(r: BenchScaleResult, model: 'rev' | 'res'): number {
  const rows = r.rows.filter(
    (x) =>
      x.dataset === 'proteins-sized' && x.model === model && x.what === 'train part + eval part',
  );
  const shallow = rows.find((x) => x.layers === r.args.depths[0]);
  const deep = rows.find((x) => x.layers === r.args.depths.at(-1));
  if (!shallow || !deep || shallow.status !== 'ok' || deep.status !== 'ok') return NaN;
  return deep.peakHeldBytes / shallow.peakHeldBytes;
}

export function renderScale(r: BenchScaleResult, file: string): string {
  const a = r.adapter;
  const budget = formatBytes(r.args.budgetBytes);
  const lines = [
    `Measured by \`npm run bench -- --scale\` on ${r.date.slice(0, 10)}, adapter **${a.vendor} ${a.architecture}**` +
      (r.software ? ' (software: memory exact, times are CPU times)' : '') +
      `, simulated GPU of ${budget}. Raw numbers: [\`${file}\`](${file}). Held = what the GPU holds ` +
      '(in use + pooled); in use = handed out to tensors.',
    '',
    `**Proteins-sized graph** (generated like ogbn-proteins: ${r.proteins.nodes.toLocaleString('en-US')} nodes, ` +
      `${r.proteins.edges.toLocaleString('en-US')} adjacency entries, 8 edge features, 112 tasks${r.proteins.streamed ? '; streamed part by part' : ''}), ` +
      `GEN (max aggregation, edge encoder), D = 80, C = 2, ${r.args.parts} training parts, ${r.args.evalParts} evaluation parts:`,
    '',
    table(
      ['model', 'L', 'measured', 'peak held (in use)', 'time', 'parts'],
      r.rows
        .filter((x) => x.dataset === 'proteins-sized')
        .map((x) => [
          x.model,
          x.layers,
          x.what,
          held(x),
          `${(x.ms / 1000).toFixed(1)} s`,
          parts(x),
        ]),
    ),
    '',
    `rev: held at L = ${r.args.depths.at(-1)} / L = ${r.args.depths[0]} = ×${depthRatio(r, 'rev').toFixed(3)}; ` +
      `res: ×${depthRatio(r, 'res').toFixed(3)}. The paper: RevGNN-Deep (1001 layers × 80) on ogbn-proteins in 2.86 GB.`,
    '',
    `**Arxiv-sized graph** (generated like ogbn-arxiv: ${r.arxiv.nodes.toLocaleString('en-US')} nodes, ` +
      `${r.arxiv.edges.toLocaleString('en-US')} adjacency entries), one whole-graph training step, GCN 28 × 128:`,
    '',
    table(
      ['model', 'peak held (in use)', 'time', 'the paper (ogbn-arxiv)'],
      r.rows
        .filter((x) => x.dataset === 'arxiv-sized')
        .map((x) => [
          x.model === 'rev' ? 'RevGCN' : 'ResGCN',
          held(x),
          `${(x.ms / 1000).toFixed(1)} s`,
          x.model === 'rev' ? '1.84 GB' : '11.15 GB',
        ]),
    ),
  ];
  return lines.join('\n');
}

export function replaceScaleSection(readme: string, body: string): string {
  return replaceSection(readme, body, {
    start: SCALE_START,
    end: SCALE_END,
    heading: "### At the paper's scale",
  });
}
