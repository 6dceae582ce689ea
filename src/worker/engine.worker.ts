// The engine runs here, off the page's thread: the page only renders what comes back.
// One job at a time (a run, a sweep or a capture); pause / resume / stop steer the current one.
import * as Comlink from 'comlink';
import { WebGpuUnavailableError } from '../gpu/errors';
import { readWeightsFile } from '../export/weights';
import { encodeCheckpoint, stepsTaken, type Checkpoint } from '../train/checkpoint';
import { JobControl } from './job';
import { captureStep, runSweep } from './measure-jobs';
import type { EngineApi, EngineEvents, InitResult, WeightsInfo } from './protocol';
import { runTraining } from './run-job';
import { RuntimeHolder } from './runtime-holder';

let events: EngineEvents | null = null;
const holder = new RuntimeHolder(() => events);
let job: { kind: string; control: JobControl } | null = null;
let latestWeights: Checkpoint | null = null;
let loadedWeights: Checkpoint | null = null;

async function exclusive<T>(kind: string, control: JobControl, fn: () => Promise<T>): Promise<T> {
  if (job) throw new Error(`The engine is busy with a ${job.kind}; stop it first.`);
  job = { kind, control };
  try {
    return await fn();
  } finally {
    job = null;
  }
}

function countParams(c: Checkpoint): number {
  return Object.values(c.params).reduce((t, p) => t + p.rows * p.cols, 0);
}

const api: EngineApi = {
  async init(ev, opts = {}): Promise<InitResult> {
    events = ev;
    if (opts.kernels) holder.setKernelChoice(opts.kernels);
    let rt;
    try {
      rt = await holder.start();
      rt.allocator.setBudget(opts.budgetBytes ?? null);
    } catch (e) {
      if (e instanceof WebGpuUnavailableError)
        return { ok: false, reason: e.reason, message: e.message };
      return { ok: false, reason: 'error', message: String(e) };
    }
    return {
      ok: true,
      adapter: rt.adapterInfo,
      limits: rt.limits,
      features: [...rt.features],
      memory: rt.allocator.snapshot(),
      kernels: rt.variants.snapshot(),
    };
  },

  memory() {
    return holder.current?.allocator.snapshot() ?? null;
  },

  async train(spec, listener) {
    const control = new JobControl((p) => void Promise.resolve(listener.paused(p)).catch(() => 0));
    return exclusive('training run', control, async () => {
      const out = await runTraining({ holder, control, loaded: loadedWeights }, spec, listener);
      if (out.checkpoint) latestWeights = out.checkpoint;
      return out.result;
    });
  },

  pause() {
    job?.control.pause();
  },
  resume() {
    job?.control.resume();
  },
  stop() {
    job?.control.stop();
  },

  async captureStep(spec, listener) {
    return exclusive('memory capture', new JobControl(), () => captureStep(spec, listener));
  },

  async sweep(spec, listener) {
    const control = new JobControl();
    return exclusive('depth sweep', control, () => runSweep(spec, listener, control));
  },

  async exportWeights() {
    if (!latestWeights) return null;
    const bytes = encodeCheckpoint(latestWeights);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },

  async loadWeights(bytes, file = 'the weights file'): Promise<WeightsInfo> {
    const c = readWeightsFile(bytes, file);
    loadedWeights = c;
    const dataset = c.extra?.datasetName;
    return {
      model: c.model,
      epoch: c.epoch,
      steps: stepsTaken(c),
      params: countParams(c),
      dataset: typeof dataset === 'string' ? dataset : null,
    };
  },

  clearLoadedWeights() {
    loadedWeights = null;
  },

  loseDevice() {
    holder.current?.device.destroy();
  },
};

Comlink.expose(api);
