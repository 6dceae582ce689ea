// Start, pause, resume, stop; where the run is and how long it has left; what it has reached;
// and its weights as a file to keep or to continue from.
import type { RunConfig, Problem } from '../state/run-config';
import { formatBytes } from '../../util/format';
import { formatDuration, formatSpan, runProgress } from './progress';
import type { RunHandle } from './use-run';
import { WeightsControls, type LoadedWeights } from './WeightsControls';
import type { EngineClient } from '../../worker/client';

interface Props {
  run: RunHandle;
  cfg: RunConfig;
  problems: Problem[];
  client: EngineClient | null;
  /** Another job (a sweep, a capture) holds the engine. */
  blocked: boolean;
  loaded: LoadedWeights | null;
  onLoaded(w: LoadedWeights | null): void;
  controls: boolean;
}

const STATUS_WORDS = {
  done: 'Finished',
  stopped: 'Stopped',
  oom: 'Out of memory',
  diverged: 'Diverged',
  error: 'Could not run',
} as const;

function fmtMetric(v: number | undefined, metric: string): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  return metric === 'rocauc' ? v.toFixed(4) : `${(100 * v).toFixed(1)} %`;
}

export function TrainPanel({
  run,
  cfg,
  problems,
  client,
  blocked,
  loaded,
  onLoaded,
  controls,
}: Props) {
  const { view } = run;
  const active =
    view.phase === 'loading' ||
    view.phase === 'running' ||
    view.phase === 'paused' ||
    view.phase === 'stopping';
  const finished = view.phase === 'finished';
  const total = view.started?.epochs ?? view.config?.epochs ?? cfg.epochs;
  const startEpoch = view.started?.startEpoch ?? 0;
  const p = runProgress(view.step, startEpoch, total, finished && view.result?.status === 'done');
  const metric = view.started?.dataset.metric ?? view.result?.dataset?.metric ?? 'accuracy';
  const last = view.epochs.at(-1);
  const best = view.result?.best ?? bestSoFar(view.epochs);
  const useLoaded = !!loaded?.use;
  const loading = view.phase === 'loading' && view.loading;
  const loadPct =
    loading && view.loading!.totalBytes > 0
      ? view.loading!.loadedBytes / view.loading!.totalBytes
      : 0;

  let line: string;
  if (view.phase === 'idle') line = 'Ready.';
  else if (view.phase === 'loading')
    line = view.loading
      ? `Loading the dataset: ${view.loading.shardsDone} of ${view.loading.shardsTotal} shards…`
      : 'Preparing…';
  else if (finished && view.result)
    line = `${STATUS_WORDS[view.result.status]} after ${view.epochs.length - startEpoch} of ${total - startEpoch} epochs.`;
  else if (finished) line = 'Could not run.';
  else
    line =
      `${view.phase === 'paused' ? 'Paused at' : view.phase === 'stopping' ? 'Stopping at' : ''} epoch ${p.epoch} of ${total}` +
      (p.steps ? ` · step ${p.step} of ${p.steps}` : '') +
      (p.etaMs !== null && view.phase === 'running'
        ? ` · about ${formatDuration(p.etaMs)} left`
        : '');

  const rep = view.repeat;
  if (rep && !rep.summary) line = `Seed ${rep.seed} (${rep.index + 1} of ${rep.count}) · ${line}`;
  const pm = (m: { mean: number; std: number }) =>
    metric === 'rocauc'
      ? `${m.mean.toFixed(4)} ± ${m.std.toFixed(4)}`
      : `${(100 * m.mean).toFixed(1)} ± ${(100 * m.std).toFixed(1)} %`;

  return (
    <section className="panel train-panel" aria-labelledby="train-title" data-testid="train-panel">
      <div className="train-head">
        <h2 id="train-title">Train</h2>
        <div className="button-row">
          {!active && (
            <button
              type="button"
              className="primary"
              disabled={!client || blocked || problems.length > 0}
              onClick={() => {
                // Loaded weights seed one run; the next starts fresh unless ticked again.
                void run.start(cfg, useLoaded).then(() => {
                  if (useLoaded && loaded) onLoaded({ ...loaded, use: false });
                });
              }}
              data-testid="train-start"
            >
              {useLoaded ? 'Continue training' : 'Start training'}
            </button>
          )}
          {active && view.phase !== 'paused' && (
            <button
              type="button"
              onClick={run.pause}
              disabled={view.phase !== 'running'}
              data-testid="train-pause"
            >
              Pause
            </button>
          )}
          {view.phase === 'paused' && (
            <button
              type="button"
              className="primary"
              onClick={run.resume}
              data-testid="train-resume"
            >
              Resume
            </button>
          )}
          {active && (
            <button
              type="button"
              onClick={run.stop}
              disabled={view.phase === 'stopping'}
              data-testid="train-stop"
            >
              Stop
            </button>
          )}
        </div>
      </div>

      {problems.length > 0 && !active && (
        <div className="problems" role="alert" data-testid="config-problems">
          <strong>This configuration cannot run yet:</strong>
          <ul>
            {problems.map((pr, i) => (
              <li key={i}>{pr.text}</li>
            ))}
          </ul>
        </div>
      )}
      {blocked && !active && (
        <p className="muted">
          The engine is busy with a measurement; training can start when it ends.
        </p>
      )}

      <progress
        className="run-progress"
        max={1}
        value={loading ? loadPct : p.fraction}
        data-testid="run-progress"
        data-state={finished ? (view.result?.status ?? 'error') : view.phase}
        aria-label="Training progress"
      />
      <p role="status" aria-live="polite" data-testid="run-status" className="run-status">
        {line}
      </p>

      {rep?.summary && (
        <p role="status" data-testid="seed-summary" className="run-status">
          Over {rep.count} seeds ({rep.summary.seeds.join(', ')}): valid {pm(rep.summary.valid)},
          test {pm(rep.summary.test)} (each at its best-valid epoch; sample std).
        </p>
      )}
      {view.notice && (
        <p className="notice" role="status" data-testid="device-notice">
          {view.notice}
        </p>
      )}
      {(view.result?.message || view.error) && (
        <p
          className={`notice ${view.result?.status === 'stopped' ? '' : 'bad'}`}
          role="alert"
          data-testid="run-message"
        >
          {view.error ?? view.result?.message}
        </p>
      )}

      <div className="train-foot">
        <dl className="stats">
          <div>
            <dt>Loss</dt>
            <dd data-testid="last-loss">
              {last && Number.isFinite(last.loss) ? last.loss.toFixed(4) : '–'}
            </dd>
          </div>
          <div>
            <dt>Best valid → test {metric === 'rocauc' ? 'ROC-AUC' : 'accuracy'}</dt>
            <dd data-testid="best-metric">
              {fmtMetric(best.valid, metric)} → {fmtMetric(best.test, metric)}
            </dd>
          </div>
          <div>
            <dt>Parameters</dt>
            <dd>{view.started ? view.started.params.toLocaleString() : '–'}</dd>
          </div>
          <div>
            <dt>Peak memory</dt>
            <dd data-testid="run-peak">{view.peakBytes ? formatBytes(view.peakBytes) : '–'}</dd>
          </div>
          <div>
            <dt>Last epoch took</dt>
            <dd
              data-testid="last-epoch-time"
              title="Wall time of the latest epoch, paused time left out"
            >
              {last ? formatSpan(last.ms) : '–'}
            </dd>
          </div>
        </dl>

        {controls && (
          <WeightsControls
            client={client}
            canExport={!!view.result?.weightsEpoch}
            busy={active}
            loaded={loaded}
            onLoaded={onLoaded}
            cfg={cfg}
          />
        )}
      </div>
    </section>
  );
}

function bestSoFar(epochs: { epoch: number; valid: number; test: number }[]) {
  let best = { epoch: 0, valid: NaN, test: NaN };
  for (const e of epochs) if (Number.isFinite(e.valid) && !(e.valid <= best.valid)) best = e;
  return best;
}
