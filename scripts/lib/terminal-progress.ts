// The progress bar both hosts draw on stderr: one bar whose label follows the entry's phase, or
// plain lines (one per label) when stderr is not a terminal.
import cliProgress from 'cli-progress';
import type { HeadlessProgress } from './host-types.ts';

export class TerminalProgress {
  private bar: cliProgress.SingleBar | null = null;
  private label = '';

  update(p: HeadlessProgress): void {
    if (!process.stderr.isTTY) {
      if (p.label !== this.label) process.stderr.write(`${p.label} (${p.done}/${p.total})\n`);
      this.label = p.label;
      return;
    }
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          format: '{bar} {value}/{total} | {label}',
          barsize: 30,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(p.total, p.done, { label: p.label });
      return;
    }
    this.bar.setTotal(p.total);
    this.bar.update(p.done, { label: p.label });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
