// The PyTorch export end to end, against the engine: exported networks give the engine's logits
// and one training step's gradients on small graphs; data.py builds the engine's partitions and
// dropout masks; train.py under torchrun (2 processes, gloo) trains an exported built-in and
// writes the CLI's JSON; weights trained in PyTorch come back into the engine and evaluate the
// same. Needs Debian's python3-torch (/usr/bin/python3, or REVGNN_PYTHON); skipped without it.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '../src/export/npy.ts';
import { pytorchPackage } from '../src/export/pytorch-package.ts';
import { decodeSafetensors } from '../src/export/safetensors.ts';
import { readWeightsFile } from '../src/export/weights.ts';
import { NodeDirSink } from '../src/graph/convert/node-io.ts';
import { writeDataset } from '../src/graph/convert/write.ts';
import { metaFor, randomGraph } from '../src/graph/fixtures.ts';
import { loadDatasetFromDisk } from '../src/graph/node-source.ts';
import type { InspectCase } from '../src/headless/inspect.ts';
import type { ModelConfig } from '../src/models/config.ts';
import { DEFAULT_MODEL } from '../src/models/config.ts';
import { dropoutMaskRef } from '../src/reference/dropout.ts';
import { trainData } from '../src/train/train-data.ts';
import { stepSeed } from '../src/train/trainer.ts';
import { floatsFromBase64, fromBase64 } from '../src/util/base64.ts';
import { runHeadless } from './lib/headless.ts';
import { diskTemplates } from './lib/pytorch-templates.ts';

const PYTHON = process.env.REVGNN_PYTHON ?? '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
const hasTorch = probe.status === 0;
if (!hasTorch) {
  console.warn(
    `Skipping the PyTorch export tests: ${PYTHON} cannot import torch and numpy ` +
      `(${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}). ` +
      "Install Debian's python3-torch (apt-get install -y python3-torch) or set REVGNN_PYTHON.",
  );
}

const BIN = fileURLToPath(new URL('./revgnn.mjs', import.meta.url));
const HARNESS = fileURLToPath(new URL('./testing/pytorch_check.py', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'revgnn-pytorch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 300_000 });
  expect(r.stderr, r.stderr).not.toMatch(/^error/m);
  expect(r.status).toBe(0);
  return r;
};
const cliAsync = (...args: string[]) =>
  new Promise<void>((done, fail) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 300_000 }, (err, _out, stderr) => {
      if (err || /^error/m.test(stderr))
        fail(new Error(`revgnn ${args[0]}: ${err?.message}\n${stderr}`));
      else done();
    });
  });
const python = (args: string[], cwd = tmp) => {
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', cwd, timeout: 300_000 });
  expect(r.status, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
};

/** max |a − b| / max |b| */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(b[i]));
  }
  return d / Math.max(m, 1e-30);
}

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });

const model = (m: Partial<ModelConfig>): ModelConfig => ({
  ...DEFAULT_MODEL,
  layers: 3,
  channels: 8,
  groups: 2,
  dropout: 0.2,
  ...m,
});

const GRAPHS = {
  dense: randomGraph({ n: 48, edges: 110, dim: 6, classes: 3, seed: 1 }),
  edges: randomGraph({ n: 40, edges: 90, dim: 5, multilabel: 4, edgeDim: 3, seed: 2 }),
  sparse: randomGraph({ n: 44, edges: 100, dim: 12, sparse: true, classes: 4, seed: 3 }),
};
const CASES: { name: string; graph: keyof typeof GRAPHS; model: ModelConfig }[] = [
  { name: 'rev GCN', graph: 'dense', model: model({ model: 'rev', op: 'gcn' }) },
  {
    name: 'wtrev GEN (softmax, learned t) with edge features',
    graph: 'edges',
    model: model({ model: 'wtrev', op: 'gen', aggregation: 'softmax', learnAggr: true }),
  },
  {
    name: 'rev GEN (power mean, learned p) with edge features',
    graph: 'edges',
    model: model({ model: 'rev', op: 'gen', aggregation: 'power', learnAggr: true }),
  },
  {
    name: 'deq GCN on sparse features',
    graph: 'sparse',
    model: model({ model: 'deq', op: 'gcn', layers: 80, tolerance: 1e-5 }),
  },
  {
    name: 'res-ckpt GEN (max) with edge features',
    graph: 'edges',
    model: model({ model: 'res-ckpt', op: 'gen', aggregation: 'max', layers: 2 }),
  },
  {
    name: 'rev GAT (2 heads) with edge features',
    graph: 'edges',
    model: model({ model: 'rev', op: 'gat', heads: 2 }),
  },
  {
    name: 'res GAT (2 heads) without edge features',
    graph: 'dense',
    model: model({ model: 'res', op: 'gat', heads: 2, layers: 2 }),
  },
  {
    name: 'deq GAT (2 heads) with edge features',
    graph: 'edges',
    model: model({ model: 'deq', op: 'gat', heads: 2, layers: 60, tolerance: 1e-5 }),
  },
  {
    name: 'res GEN (softmax, fixed t) with edge features',
    graph: 'edges',
    model: model({ model: 'res', op: 'gen', aggregation: 'softmax', learnAggr: false, layers: 2 }),
  },
];
const STEP = { seed: 2024, dropout: 0.2 };
/** A small network on a built-in, for torchrun and the round trip. */
const BUILTIN: InspectCase = {
  data: 'citation',
  model: model({ model: 'rev', op: 'gcn', layers: 2 }),
  seed: 3,
  epochs: 1,
  lr: 0.01,
  step: STEP,
};

interface Inspected {
  weights: string;
  rows: number;
  cols: number;
  logits: string;
  loss: number;
  grads: Record<string, string>;
}

describe.skipIf(!hasTorch)('the PyTorch export against the engine', () => {
  const data = (g: string) => join(tmp, 'data', g);
  const ms = () => performance.now();
  let engine: Inspected[] = [];

  // The engine's side, once: small networks trained two epochs, then their weights, logits and
  // one step's gradients; and a network on a built-in for the tests that train in PyTorch.
  beforeAll(async () => {
    for (const [name, g] of Object.entries(GRAPHS))
      await writeDataset(g, metaFor(name, g), { shards: 2, seed: 5 }, new NodeDirSink(data(name)));
    const cases: InspectCase[] = CASES.map((c) => ({
      data: data(c.graph),
      model: c.model,
      seed: 3,
      epochs: 2,
      lr: 0.01,
      step: STEP,
    }));
    const t0 = ms();
    engine = await runHeadless<Inspected[]>(
      'inspect',
      { cases: [...cases, BUILTIN] },
      { allowFolders: [tmp], onProgress: () => undefined },
    );
    console.log(`engine (headless): ${((ms() - t0) / 1000).toFixed(1)} s`);
  }, 600_000);

  it('gives the engine’s logits (1e-4) and one step’s gradients (1e-3 of max |g|), builds its partitions and masks', async () => {
    const templates = diskTemplates();
    const request = {
      cases: CASES.map((c, i) => {
        const pkg = join(tmp, `pkg${i}`);
        const out = join(tmp, `out${i}`);
        mkdirSync(pkg);
        mkdirSync(out);
        const checkpoint = readWeightsFile(fromBase64(engine[i].weights), 'engine.rgnn');
        const files = pytorchPackage(
          { checkpoint, dataset: { name: c.graph, dir: data(c.graph) }, source: 'test' },
          templates,
        );
        for (const [name, body] of Object.entries(files)) writeFileSync(join(pkg, name), body);
        return { package: pkg, data: data(c.graph), out, step: STEP };
      }),
      partitions: {
        data: data('dense'),
        seed: 9,
        parts: 3,
        epochs: [1, 2],
        views: [0],
        out: join(tmp, 'parts.json'),
      },
      mask: { seed: 77, p: 0.3, rows: 13, cols: 10, out: join(tmp, 'mask.npy') },
    };
    writeFileSync(join(tmp, 'request.json'), JSON.stringify(request));
    python([HARNESS, join(tmp, 'request.json')]);

    for (const [i, c] of CASES.entries()) {
      const e = engine[i];
      const out = request.cases[i].out;
      const logits = decodeNpy(readFileSync(join(out, 'logits.npy')));
      expect([logits.rows, logits.cols]).toEqual([e.rows, e.cols]);
      const logitErr = relErr(logits.data, floatsFromBase64(e.logits));
      const grads = decodeSafetensors(readFileSync(join(out, 'grads.safetensors'))).tensors;
      expect(Object.keys(grads).sort()).toEqual(Object.keys(e.grads).sort());
      let gradErr = 0;
      const learned: string[] = [];
      for (const [name, g] of Object.entries(grads)) {
        const err = relErr(g.data, floatsFromBase64(e.grads[name]));
        expect(err, `${c.name}: gradient of ${name}`).toBeLessThan(1e-3);
        gradErr = Math.max(gradErr, err);
        // GEN's learned t / p: one value each, so their relative error is the value's own.
        if (/\.[tp]$/.test(name)) learned.push(`${name} ${err.toExponential(2)}`);
      }
      const learnsAggr = c.model.op === 'gen' && c.model.aggregation !== 'max' && c.model.learnAggr;
      expect(learned.length > 0, `${c.name}: learned t / p in the gradients`).toBe(!!learnsAggr);
      const loss = JSON.parse(readFileSync(join(out, 'loss.json'), 'utf8')).loss as number;
      console.log(
        `${c.name}: logits ${logitErr.toExponential(2)} relative, gradients ${gradErr.toExponential(2)} of max |g|, loss ${loss} vs ${e.loss}` +
          (learned.length ? `; ${learned.join(', ')}` : ''),
      );
      expect(logitErr, `${c.name}: logits`).toBeLessThan(1e-4);
      expect(Math.abs(loss - e.loss)).toBeLessThan(1e-4 * Math.abs(e.loss));
    }

    // The engine's own schedules: training parts per epoch, evaluation partitions, step seeds.
    const parts = JSON.parse(readFileSync(request.partitions.out, 'utf8'));
    const ds = await loadDatasetFromDisk(data('dense'));
    const td = trainData(ds, { parts: 3, evalParts: 3, seed: 9 });
    for (const epoch of [1, 2]) {
      const s = td.trainParts(epoch);
      for (let k = 0; k < 3; k++)
        expect(parts.train[epoch][k]).toEqual(Array.from((await s.get(k)).index));
    }
    const ev = td.evalParts(0);
    for (let k = 0; k < 3; k++)
      expect(parts.eval[0][k]).toEqual(Array.from((await ev.get(k)).index));
    expect(parts.stepSeeds).toEqual([1, 2].flatMap((e) => [0, 1, 2].map((s) => stepSeed(9, e, s))));
    const mask = decodeNpy(readFileSync(request.mask.out));
    expect(Array.from(mask.data)).toEqual(
      Array.from(Float32Array.from(dropoutMaskRef(13, 10, { seed: 77, p: 0.3 }))),
    );
  }, 120_000);

  it('refuses a safetensors with a wrong shape or a missing tensor, in Python', () => {
    const pkg = join(tmp, 'refuse-pkg');
    mkdirSync(pkg);
    const checkpoint = readWeightsFile(fromBase64(engine[0].weights), 'engine.rgnn');
    const files = pytorchPackage({ checkpoint, source: 'test' }, diskTemplates());
    for (const [name, body] of Object.entries(files)) writeFileSync(join(pkg, name), body);
    const script = `
import json, torch, model as M, weights_io as W
cfg = json.load(open('config.json'))
net = M.build_model(cfg['model'], cfg['dims'])
t, meta = W.read_safetensors('weights.safetensors')
t['layer1.group0.conv.weight'] = torch.zeros(4, 3)
del t['head.linear.bias']
W.write_safetensors('bad.safetensors', t, meta)
try:
    M.load_weights(net, 'bad.safetensors')
except M.WeightsMismatch as e:
    print(e)
`;
    const r = python(['-c', script], pkg);
    expect(r.stdout).toContain(
      'bad.safetensors: tensor "layer1.group0.conv.weight": expected shape [4, 4], found [4, 3]',
    );
    expect(r.stdout).toContain('tensor "head.linear.bias" is missing (expected shape [3])');
  }, 60_000);

  it('trains an exported built-in with torchrun (2 processes, gloo), and the weights come back', async () => {
    const weights = join(tmp, 'citation.rgnn');
    writeFileSync(weights, fromBase64(engine[CASES.length].weights));
    const pkg = join(tmp, 'citation-pkg');
    cli('export', '--to', 'pytorch', '--weights', weights, '--data', 'citation', '--out', pkg);

    // Debian's torch 1.13 on Python 3.11 cannot parse torchrun's default --redirects/--tee (0).
    const port = await freePort();
    let t0 = ms();
    python(
      [
        '-m',
        'torch.distributed.run',
        '--nproc_per_node',
        '2',
        '--master_port',
        String(port),
        '--monitor_interval',
        '1',
        '--log_dir',
        join(tmp, 'torchrun-logs'),
        '--redirects',
        '2',
        '--tee',
        '2',
        join(pkg, 'train.py'),
        '--epochs',
        '2',
        '--parts',
        '4',
        '--lr',
        '0.01',
        '--out',
        join(tmp, 'py-run.json'),
        '--save',
        join(tmp, 'trained.safetensors'),
      ],
      pkg,
    );
    console.log(`torchrun: ${((ms() - t0) / 1000).toFixed(1)} s`);
    const pyRun = JSON.parse(readFileSync(join(tmp, 'py-run.json'), 'utf8'));
    expect(pyRun.config.world).toBe(2);
    expect(pyRun.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    expect(pyRun.epochs[1].loss).toBeLessThan(pyRun.epochs[0].loss);
    console.log(
      `torchrun ×2: loss ${pyRun.epochs.map((e: { loss: number }) => e.loss.toFixed(4)).join(' → ')}`,
    );

    // Back in the engine: trained on, a zero learning rate leaves the weights as they are, so
    // its evaluation is of PyTorch's weights — and its JSON has the shape train.py wrote.
    python(
      [
        join(pkg, 'predict.py'),
        '--data',
        readConfigDir(pkg),
        '--weights',
        join(tmp, 'trained.safetensors'),
        '--out',
        join(tmp, 'py-logits.npy'),
        '--json',
        join(tmp, 'py-scores.json'),
      ],
      pkg,
    );
    // Two engine runs at once (each is a headless browser; most of their time is starting up).
    const back = join(tmp, 'back.json');
    t0 = ms();
    await Promise.all([
      cliAsync(
        'train',
        '--data',
        'citation',
        '--init-from',
        join(tmp, 'trained.safetensors'),
        '--epochs',
        '1',
        '--lr',
        '0',
        '--out',
        back,
        '--save-weights',
        join(tmp, 'back.rgnn'),
      ),
      cliAsync(
        'predict',
        '--weights',
        join(tmp, 'trained.safetensors'),
        '--data',
        'citation',
        '--out',
        join(tmp, 'engine-logits.npy'),
      ),
    ]);
    console.log(`engine train --init-from and predict: ${((ms() - t0) / 1000).toFixed(1)} s`);
    const engineRun = JSON.parse(readFileSync(back, 'utf8'));
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(pyRun)).toEqual(keys(engineRun).filter((k) => k !== 'weights'));
    expect(keys(pyRun.epochs[0])).toEqual(keys(engineRun.epochs[0]));
    expect(keys(pyRun.config)).toEqual(expect.arrayContaining(keys(engineRun.config)));
    expect(engineRun.config).toMatchObject({ model: 'rev', op: 'gcn', layers: 2, channels: 8 });
    const py = JSON.parse(readFileSync(join(tmp, 'py-scores.json'), 'utf8'));
    const epoch = engineRun.epochs[0];
    console.log(`round trip: PyTorch ${JSON.stringify(py)}, engine ${JSON.stringify(epoch)}`);
    for (const split of ['train', 'valid', 'test']) expect(epoch[split]).toBeCloseTo(py[split], 6);
    const trained = readWeightsFile(readFileSync(join(tmp, 'trained.safetensors')), 'trained');
    const kept = readWeightsFile(readFileSync(join(tmp, 'back.rgnn')), 'back.rgnn');
    for (const [name, p] of Object.entries(trained.params))
      expect(Array.from(kept.params[name].value)).toEqual(Array.from(p.value));

    // The engine's logits of PyTorch's weights, through the CLI, in predict.py's layout.
    const a = decodeNpy(readFileSync(join(tmp, 'engine-logits.npy')));
    const b = decodeNpy(readFileSync(join(tmp, 'py-logits.npy')));
    expect([b.rows, b.cols]).toEqual([a.rows, a.cols]);
    expect(relErr(b.data, a.data)).toBeLessThan(1e-4);

    // A run's JSON names its weights: export --run finds them.
    cli('export', '--to', 'pytorch', '--run', back, '--out', join(tmp, 'from-run'));
    const again = readWeightsFile(readFileSync(join(tmp, 'from-run', 'weights.safetensors')), 'w');
    for (const [name, p] of Object.entries(trained.params))
      expect(Array.from(again.params[name].value)).toEqual(Array.from(p.value));
  }, 900_000);
});

function readConfigDir(pkg: string): string {
  return JSON.parse(readFileSync(join(pkg, 'config.json'), 'utf8')).source.dataDir;
}
