// The progress of `convert` and `generate` on stderr: a bar per stage (read, build, write, …) on
// a terminal, one line per stage and file otherwise (logs stay short).
import cliProgress from 'cli-progress';
import type { ConvertProgress } from '../../src/graph/convert/input.ts';

export interface StageProgress {
  update: (p: ConvertProgress) => void;
  stop: () => void;
}

/** The last two segments of a path: enough to tell files apart in one terminal line. */
const short = (label: string) => label.split('/').slice(-2).join('/');

export function stageProgress(enabled: boolean): StageProgress {
  if (!enabled) return { update: () => {}, stop: () => {} };
  if (!process.stderr.isTTY) {
    let last = '';
    return {
      update: (p) => {
        const line = `${p.stage}: ${short(p.label)}`;
        if (line !== last) process.stderr.write(`${(last = line)}\n`);
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: '{stage} [{bar}] {percentage}% | {label}',
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let stage = '';
  return {
    update: (p) => {
      const payload = { stage: p.stage.padEnd(6), label: short(p.label) };
      const total = Math.max(p.total, 1);
      if (!started) {
        bar.start(total, p.done, payload);
        started = true;
      } else if (p.stage !== stage) bar.setTotal(total);
      stage = p.stage;
      bar.update(Math.min(p.done, total), payload);
    },
    stop: () => started && bar.stop(),
  };
}
