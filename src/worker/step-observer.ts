// What the page sees of a run's steps: a step event at most every 100 ms (and the first and last
// of each epoch), pause and stop through the job control, and the memory timeline of one step in
// the steady state (the second, once the first part has been through). Hooks from a trainer that
// a device loss replaced are ignored.
import type { GpuRuntime } from '../gpu/runtime';
import type { Trainer, TrainHooks } from '../train/trainer';
import type { JobControl } from './job';
import type { RunListener, RunSpec } from './protocol';
import { tell } from './runtime-holder';
import { reduceTimeline } from './timeline';

const STEP_EVENT_MS = 100;

export class StepObserver {
  private generation = 0;
  private steps = 0;
  private capturing = false;
  private captured = false;
  private lastStepEvent = 0;
  private readonly t0 = performance.now();
  private readonly captureAt: number;

  constructor(
    private readonly spec: RunSpec,
    private readonly control: JobControl,
    private readonly listener: RunListener,
    remainingSteps: number,
  ) {
    this.captureAt = remainingSteps >= 2 ? 2 : 1;
  }

  hooks(t: Trainer): TrainHooks {
    const gen = this.generation;
    return {
      control: async () => {
        if (gen !== this.generation) return 'stop';
        const c = await this.control.control();
        if (gen !== this.generation) return 'stop';
        if (c === 'continue' && !this.captured && this.steps + 1 === this.captureAt) {
          t.rt.allocator.beginTimeline();
          this.capturing = true;
        }
        return c;
      },
      onStep: (s) => {
        if (gen !== this.generation) return;
        this.steps++;
        if (this.capturing) this.finishCapture(t.rt);
        const now = performance.now();
        if (s.step === 1 || s.step === s.steps || now - this.lastStepEvent >= STEP_EVENT_MS) {
          this.lastStepEvent = now;
          tell(() => this.listener.step({ ...s, elapsedMs: now - this.t0 }));
        }
      },
    };
  }

  private finishCapture(rt: GpuRuntime): void {
    this.capturing = false;
    this.captured = true;
    const events = rt.allocator.endTimeline();
    const { model, layers, groups } = this.spec.model;
    const series = reduceTimeline(events, {
      label: `${model} · ${layers} layers · run`,
      model,
      layers,
      groups,
      source: 'run',
    });
    tell(() => this.listener.timeline(series));
  }

  /** A step failed mid-capture: stop recording (a lost device has nothing to stop). */
  abandon(rt: GpuRuntime): void {
    if (!this.capturing) return;
    this.capturing = false;
    if (!rt.isLost) rt.allocator.endTimeline();
  }

  /** The trainer is gone (device lost): its pending hooks must stop. */
  invalidate(): void {
    this.generation++;
  }
}
