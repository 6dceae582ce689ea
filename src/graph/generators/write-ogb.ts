// Node-only. Streams a PaperModel as an OGB node-property-prediction folder — exactly the files
// convert/ogb.ts reads: raw/{edge, edge-feat (proteins), node-feat (arxiv, products), node-label,
// num-node-list, num-edge-list}.csv.gz and split/<scheme>/{train,valid,test}.csv.gz, headerless,
// comma separated, gzipped (fflate's streaming Gzip, mtime 0 so the bytes are deterministic).
// Numbers are written in their shortest exact form: the generator rounds edge features to 1e-3
// and node features to 1e-4, so converting the text back gives the very same float32 values.
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Gzip, strToU8 } from 'fflate';
import type { ProgressFn } from '../convert/input';
import { SPLIT_TEST, SPLIT_TRAIN, SPLIT_VALID } from '../types';
import type { PaperModel } from './paper-model';
import { GENERATOR_FILE } from './staging';

/** A gzipped text file written line by line with bounded buffering. */
class GzText {
  private readonly fd: number;
  private readonly gz: Gzip;
  private parts: string[] = [];
  private pending = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w');
    this.gz = new Gzip({ level: 6, mtime: 0 }, (chunk) => {
      writeSync(this.fd, chunk);
    });
  }

  line(s: string): void {
    this.parts.push(s);
    this.pending += s.length + 1;
    if (this.pending > 1 << 16) this.flush(false);
  }

  private flush(final: boolean): void {
    const text = this.parts.length ? this.parts.join('\n') + '\n' : '';
    this.parts = [];
    this.pending = 0;
    this.gz.push(strToU8(text), final);
  }

  close(): void {
    this.flush(true);
    closeSync(this.fd);
  }
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));
const q3 = (x: number) => String(Math.round(x * 1000) / 1000);
const q4 = (x: number) => String(Math.round(x * 1e4) / 1e4);

export async function writeGeneratedOgb(
  model: PaperModel,
  dir: string,
  opts: { generatorInfo: object; onProgress?: ProgressFn },
): Promise<void> {
  const { N, M } = model;
  const E = model.edgeDim;
  const raw = join(dir, 'raw');
  const splitDir = join(dir, 'split', model.sizes.splitScheme);
  mkdirSync(raw, { recursive: true });
  mkdirSync(splitDir, { recursive: true });
  const work = N + M;
  let done = 0;
  let since = 0;
  const tick = async (n: number, label: string) => {
    done += n;
    since += n;
    if (since > 1 << 17) {
      since = 0;
      opts.onProgress?.({ stage: 'write', label, done, total: work });
      await yieldToEventLoop();
    }
  };

  const one = (name: string, value: number) => {
    const f = new GzText(join(raw, name));
    f.line(String(value));
    f.close();
  };
  one('num-node-list.csv.gz', N);
  one('num-edge-list.csv.gz', M);

  const edges = new GzText(join(raw, 'edge.csv.gz'));
  const edgeFeat = E ? new GzText(join(raw, 'edge-feat.csv.gz')) : null;
  const partners = new Uint32Array(model.maxQuota);
  const ef = E ? new Float32Array(model.maxQuota * E) : null;
  const row = new Array<string>(Math.max(E, model.sizes.featureDim, model.sizes.labelWidth));
  try {
    for (let u = 0; u < N; u++) {
      const c = model.nodeEdges(u, partners, ef);
      for (let k = 0; k < c; k++) {
        edges.line(`${u},${partners[k]}`);
        if (edgeFeat) {
          for (let d = 0; d < E; d++) row[d] = q3(ef![k * E + d]);
          edgeFeat.line(row.slice(0, E).join(','));
        }
      }
      await tick(c, 'raw/edge.csv.gz');
    }
  } finally {
    edges.close();
    edgeFeat?.close();
  }

  const D = model.sizes.featureDim;
  if (D) {
    const f = new GzText(join(raw, 'node-feat.csv.gz'));
    const x = new Float32Array(D);
    try {
      for (let i = 0; i < N; i++) {
        model.nodeFeatures(i, x, 0);
        for (let d = 0; d < D; d++) row[d] = q4(x[d]);
        f.line(row.slice(0, D).join(','));
        if (i % 1024 === 0) await tick(1024, 'raw/node-feat.csv.gz');
      }
    } finally {
      f.close();
    }
  }

  const labels = new GzText(join(raw, 'node-label.csv.gz'));
  const T = model.sizes.labelWidth;
  const tasks = new Uint8Array(T);
  try {
    for (let i = 0; i < N; i++) {
      if (model.sizes.task === 'multiclass') labels.line(String(model.classOf(i)));
      else {
        model.nodeTasks(i, tasks, 0);
        labels.line(tasks.join(','));
      }
    }
  } finally {
    labels.close();
  }

  const codes: [string, number][] = [
    ['train', SPLIT_TRAIN],
    ['valid', SPLIT_VALID],
    ['test', SPLIT_TEST],
  ];
  for (const [name, code] of codes) {
    const f = new GzText(join(splitDir, `${name}.csv.gz`));
    for (let i = 0; i < N; i++) if (model.split[i] === code) f.line(String(i));
    f.close();
  }
  writeFileSync(join(dir, GENERATOR_FILE), JSON.stringify(opts.generatorInfo, null, 2) + '\n');
  opts.onProgress?.({ stage: 'done', label: dir, done: work, total: work });
}
