// The README's DEQ lines of the bench: its pace against rev (target ≤ 2× per epoch at cap K vs K
// layers) and whether its solves keep converging on the proteins graph.
import type { BenchResult } from '../../src/headless/bench.ts';
import type { TargetCheck } from './bench-report.ts';
import { table } from './markdown.ts';

export const DEQ_PACE_TARGET = 2;

export function deqTargetChecks(r: BenchResult): TargetCheck[] {
  const out: TargetCheck[] = [];
  const pace = r.deq?.pace ?? [];
  if (pace.length) {
    const ratios = pace.map((p) => p.deqMs / p.revMs);
    const worst = Math.max(...ratios);
    out.push({
      target: `deq epoch at cap K within ${DEQ_PACE_TARGET}× a K-layer rev network (same width and graph)`,
      measured:
        `worst ${worst.toFixed(2)}× (` +
        pace
          .map((p, i) => `${p.dataset} ${p.op} D=${p.channels} K=${p.cap}: ${ratios[i].toFixed(2)}`)
          .join('; ') +
        ')',
      met: worst <= DEQ_PACE_TARGET,
    });
  }
  const stability = r.deq?.stability ?? [];
  if (stability.length) {
    const bad = stability.filter(
      (s) => s.status !== 'ok' || s.epochs.some((e) => !Number.isFinite(e.loss)),
    );
    out.push({
      target: 'deq trains without divergence on the built-in proteins graph at D ≤ 128',
      measured: stability
        .map(
          (s) =>
            `D=${s.channels}: ${s.status === 'ok' ? `${s.epochs.length} epochs, loss ${s.epochs[0]?.loss.toFixed(3)} → ${s.epochs.at(-1)?.loss.toFixed(3)}` : s.message}`,
        )
        .join('; '),
      met: bad.length === 0,
    });
  }
  return out;
}

export function renderDeq(r: BenchResult): string[] {
  if (!r.deq) return [];
  const lines = [
    '',
    '**DEQ against rev** (epoch time at iteration cap K vs K reversible layers; mean of the epochs after the first)',
    '',
    table(
      [
        'dataset',
        'op',
        'D',
        'K',
        'deq epoch',
        'rev epoch',
        'deq / rev',
        'solver iterations (forward / backward)',
        'unconverged steps',
      ],
      r.deq.pace.map((p) => [
        p.dataset,
        p.op,
        p.channels,
        p.cap,
        `${(p.deqMs / 1000).toFixed(2)} s`,
        `${(p.revMs / 1000).toFixed(2)} s`,
        `${(p.deqMs / p.revMs).toFixed(2)}×`,
        `${p.forwardIterations.toFixed(1)} / ${p.backwardIterations.toFixed(1)}`,
        p.unconverged,
      ]),
    ),
  ];
  if (r.deq.stability.length) {
    lines.push(
      '',
      '**DEQ stability** (GEN on the built-in proteins graph, full graph, lr 0.01; per epoch: loss, solver iterations forward / backward)',
      '',
      table(
        ['D', 'cap', 'epochs', 'unconverged steps', 'damped fallbacks', 'test ROC-AUC'],
        r.deq.stability.map((s) => [
          s.channels,
          s.cap,
          s.status === 'ok'
            ? s.epochs
                .map((e) => `${e.loss.toFixed(3)} (${e.forwardIterations}/${e.backwardIterations})`)
                .join(', ')
            : `failed: ${s.message}`,
          s.epochs.reduce((t, e) => t + e.unconverged, 0),
          s.epochs.reduce((t, e) => t + e.fallbacks, 0),
          Number.isFinite(s.test) ? s.test.toFixed(4) : '–',
        ]),
      ),
    );
  }
  return lines;
}
