// npm run check:page-stream -- --data DIR [--layers L --channels D --parts P --eval-parts Q]
// The page with a dataset larger than it may hold: drops a dataset folder (manifest + shards) on
// the built page's folder input, lets the page copy it into browser storage, then trains one
// epoch by parts from there, while sampling the resident memory of every Chromium process. Prints
// one JSON line: dataset bytes, import and epoch times, peak RSS of the renderers and in total.
// Run `npm run build` first. Not a test: it needs a large dataset (`generate --like …`).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { chromium } from 'playwright';
import { preview } from 'vite';
import { chromiumArgs, chromiumPath } from './browser.ts';
import { wholeNumber } from './commands/options.ts';

const o = new Command()
  .requiredOption('--data <dir>', 'a dataset folder (manifest.json + shards)')
  .option('--layers <L>', 'rev GEN depth', wholeNumber(1), 4)
  .option('--channels <D>', 'width', wholeNumber(2), 16)
  .option('--parts <P>', 'training parts', wholeNumber(1), 10)
  .option('--eval-parts <Q>', 'evaluation parts', wholeNumber(1), 5)
  .option('--port <n>', 'preview port', wholeNumber(1), 4390)
  .parse()
  .opts<{
    data: string;
    layers: number;
    channels: number;
    parts: number;
    evalParts: number;
    port: number;
  }>();

/** This run's browser: its main process carries this flag (Chromium ignores unknown flags). */
const MARK = `--revgnn-page-stream-check=${process.pid}`;

function procs(): { pid: string; ppid: string; cmd: string }[] {
  const out = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      out.push({ pid, ppid, cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8') });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** Resident bytes of this run's browser and its descendants (renderers, GPU process), by kind. */
function chromiumRss(): { renderer: number; gpu: number; total: number } {
  const all = procs();
  const ours = new Set(all.filter((p) => p.cmd.includes(MARK)).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!ours.has(p.pid) && ours.has(p.ppid)) grew = !!ours.add(p.pid);
  }
  const r = { renderer: 0, gpu: 0, total: 0 };
  for (const p of all.filter((x) => ours.has(x.pid))) {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))?.[1]);
      const bytes = (kb || 0) * 1024;
      r.total += bytes;
      if (p.cmd.includes('--type=renderer')) r.renderer = Math.max(r.renderer, bytes);
      if (p.cmd.includes('--type=gpu-process')) r.gpu = Math.max(r.gpu, bytes);
    } catch {
      // Ended meanwhile.
    }
  }
  return r;
}

const dir = resolve(o.data);
const datasetBytes = readdirSync(dir).reduce((t, f) => t + statSync(join(dir, f)).size, 0);
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
const server = await preview({ preview: { port: o.port, strictPort: true } });
const browser = await chromium.launch({
  executablePath: chromiumPath(),
  args: [...chromiumArgs(), MARK],
});
const peak = { renderer: 0, gpu: 0, total: 0 };
const sampler = setInterval(() => {
  const now = chromiumRss();
  peak.renderer = Math.max(peak.renderer, now.renderer);
  peak.gpu = Math.max(peak.gpu, now.gpu);
  peak.total = Math.max(peak.total, now.total);
}, 250);
try {
  const page = await browser.newPage();
  const base = `http://localhost:${o.port}/`;
  await page.goto(base);
  await page.getByTestId('adapter-line').waitFor({ timeout: 60_000 });
  const t0 = Date.now();
  await page.locator('input[webkitdirectory]').setInputFiles(dir);
  await page.getByTestId('dataset-result').waitFor({ timeout: 3_600_000 });
  const importMs = Date.now() - t0;
  const importPeak = { ...peak };
  const id = (await page.getByTestId('dataset-result').locator('strong').first().textContent())!;
  const q = new URLSearchParams({
    data: `stored:${id}`,
    model: 'rev',
    op: 'gen',
    layers: String(o.layers),
    channels: String(o.channels),
    groups: '2',
    epochs: '1',
    parts: String(o.parts),
    evalParts: String(o.evalParts),
  });
  await page.goto(`${base}?${q}`);
  await page.getByTestId('adapter-line').waitFor({ timeout: 60_000 });
  const t1 = Date.now();
  await page.getByTestId('train-start').click();
  const progress = page.getByTestId('run-progress');
  await progress.and(page.locator('[data-state="done"], [data-state="error"]')).waitFor({
    timeout: 6 * 3_600_000,
  });
  const status = await page.getByTestId('run-status').textContent();
  console.log(
    JSON.stringify({
      dataset: manifest.name,
      datasetBytes,
      nodes: manifest.numNodes,
      edges: manifest.numEdges,
      importMs,
      importPeakRss: importPeak,
      epochMs: Date.now() - t1,
      status,
      peakRss: peak,
      model: { model: 'rev', op: 'gen', layers: o.layers, channels: o.channels },
      parts: o.parts,
      evalParts: o.evalParts,
    }),
  );
} finally {
  clearInterval(sampler);
  await browser.close();
  await new Promise<void>((r) => server.httpServer.close(() => r()));
}
