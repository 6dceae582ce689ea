// The page: configuration on the left; training, its charts, memory and the depth sweep on the
// right; the run history below. Everything heavy happens in the engine worker.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { TimelineSeries } from '../worker/protocol';
import { AdapterPanel } from './AdapterPanel';
import { RunCharts } from './charts/RunCharts';
import { ConfigPanel } from './config/ConfigPanel';
import { useManifest, useStoredDatasets } from './config/use-datasets';
import { DatasetImport } from './DatasetImport';
import { publishDebug } from './debug';
import { ErrorBoundary } from './ErrorBoundary';
import { RunHistory } from './history/RunHistory';
import { useHistory } from './history/use-history';
import { TimelinePanel } from './memory/TimelinePanel';
import { MemoryMeter } from './MemoryMeter';
import { Messages } from './Messages';
import { NoWebGpu } from './NoWebGpu';
import { TrainPanel } from './run/TrainPanel';
import { useRun } from './run/use-run';
import type { LoadedWeights } from './run/WeightsControls';
import {
  budgetBytes,
  DEFAULT_RUN,
  modelLabel,
  runProblems,
  type RunConfig,
} from './state/run-config';
import { usePageState } from './state/use-page-state';
import { encodeState } from './state/url-state';
import { SweepPanel } from './sweep/SweepPanel';
import { useEngine } from './useEngine';

const MAX_TIMELINES = 4;

export function App() {
  const engine = useEngine();
  const { state, update, notes } = usePageState();
  const cfg = state.run;
  const embed = state.embed;
  const history = useHistory();
  const [timelines, setTimelines] = useState<TimelineSeries[]>([]);
  const [measuring, setMeasuring] = useState(false);
  const [sweeping, setSweeping] = useState(false);
  const [loaded, setLoaded] = useState<LoadedWeights | null>(null);
  const manifest = useManifest(cfg.dataset);
  const stored = useStoredDatasets();

  const addTimeline = useCallback(
    (t: TimelineSeries) =>
      setTimelines((ts) => [...ts.filter((x) => x.label !== t.label), t].slice(-MAX_TIMELINES)),
    [],
  );
  const adapter = engine.init?.ok
    ? `${engine.init.adapter.vendor} ${engine.init.adapter.architecture}`.trim()
    : '';
  const run = useRun(engine.client, adapter, addTimeline, history.add);
  const runActive = run.view.phase !== 'idle' && run.view.phase !== 'finished';

  const setRun = useCallback(
    (fn: (c: RunConfig) => RunConfig) => update((s) => ({ ...s, run: fn(s.run) })),
    [update],
  );

  const m = manifest.manifest;
  const problems = useMemo(() => {
    const facts = m
      ? {
          numShards: m.shards.length,
          nodes: (cfg.shards ?? m.shards.map((_, i) => i))
            .filter((i) => i < m.shards.length)
            .reduce((t, i) => t + m.shards[i].nodes, 0),
        }
      : {};
    const out = runProblems(cfg, facts);
    if (manifest.error) out.unshift({ field: 'dataset', text: manifest.error });
    return out;
  }, [cfg, m, manifest.error]);

  const onLoaded = useCallback(
    (w: LoadedWeights | null) => {
      setLoaded(w);
      // The weights fix the network's shape: show the configuration they were trained with.
      if (w?.use)
        setRun((c) => ({ ...c, model: { ...c.model, ...w.info.model, dropout: c.model.dropout } }));
    },
    [setRun],
  );

  const { client } = engine;
  useEffect(() => {
    publishDebug({
      loseDevice: async () => {
        await client?.loseDevice();
      },
    });
  }, [client]);
  useEffect(() => {
    publishDebug({
      run: {
        phase: run.view.phase,
        status: run.view.result?.status ?? null,
        epochs: run.view.epochs.length,
        notice: run.view.notice,
      },
      historyCount: history.runs.length,
      problems: problems.map((p) => p.text),
    });
  });

  const metric = run.view.started?.dataset.metric ?? m?.metric ?? 'accuracy';
  const current = run.view.config
    ? {
        label: modelLabel(run.view.config.model),
        model: run.view.config.model.model,
        epochs: run.view.epochs,
      }
    : null;
  const overlays = history.runs.filter((r) => history.overlay.has(r.id));
  const ready = engine.init?.ok === true;

  return (
    <div className={embed ? 'app embed' : 'app'}>
      <header className="top">
        <div>
          <h1>RevGNN Studio</h1>
          <p className="tagline">
            Train 1000-layer graph neural networks on your own GPU. Reversible blocks keep
            activation memory at O(N·D) instead of O(L·N·D).
          </p>
        </div>
        {engine.init?.ok && (
          <p className="adapter-line" data-testid="adapter-line">
            GPU: {adapter || 'unknown adapter'}
            {engine.init.adapter.isFallback ? ' — software emulation, expect slow training' : ''}
          </p>
        )}
      </header>

      {notes.length > 0 && (
        <div className="panel warn" role="status" data-testid="url-notes">
          <strong>Some settings in the address were not understood:</strong>
          <ul>
            {notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </div>
      )}
      <Messages messages={engine.messages} onDismiss={engine.dismiss} />

      {!engine.init && <p data-testid="starting">Starting the GPU engine…</p>}
      {engine.init && !engine.init.ok && <NoWebGpu message={engine.init.message} />}

      <div className="layout">
        {!embed && (
          <aside className="side">
            <ErrorBoundary name="configuration">
              <ConfigPanel
                cfg={cfg}
                onChange={setRun}
                problems={problems}
                stored={stored.stored}
                manifest={manifest}
                disabled={runActive}
              />
            </ErrorBoundary>
          </aside>
        )}
        <main className="content">
          {embed && (
            <p className="embed-summary" data-testid="embed-summary">
              {modelLabel(cfg.model)} on{' '}
              {cfg.dataset.kind === 'builtin' ? cfg.dataset.name : cfg.dataset.id}, {cfg.epochs}{' '}
              epochs, seed {cfg.seed}.{' '}
              <a
                href={`?${encodeState({ ...state, embed: false })}`}
                target="_blank"
                rel="noreferrer"
              >
                Open in RevGNN Studio
              </a>
            </p>
          )}
          <ErrorBoundary name="training">
            <TrainPanel
              run={run}
              cfg={cfg}
              problems={problems}
              client={ready ? engine.client : null}
              blocked={measuring || sweeping}
              loaded={loaded}
              onLoaded={onLoaded}
              controls={!embed}
            />
          </ErrorBoundary>
          <ErrorBoundary name="charts">
            <RunCharts current={current} metric={metric} overlays={overlays} />
          </ErrorBoundary>
          <div className="memory-row">
            <ErrorBoundary name="memory meter">
              {engine.memory ? (
                <MemoryMeter memory={engine.memory} budgetBytes={budgetBytes(cfg)} />
              ) : (
                <section className="panel" data-testid="memory-meter-waiting">
                  <h2>GPU memory</h2>
                  <p className="muted">The meter appears once the GPU engine has started.</p>
                </section>
              )}
            </ErrorBoundary>
            <ErrorBoundary name="step timeline">
              <TimelinePanel
                client={ready ? engine.client : null}
                cfg={cfg}
                series={timelines}
                onCapture={addTimeline}
                onClear={() => setTimelines([])}
                blocked={runActive || sweeping}
                canRun={problems.length === 0}
                onBusy={setMeasuring}
              />
            </ErrorBoundary>
          </div>
          <ErrorBoundary name="depth sweep">
            <SweepPanel
              client={ready ? engine.client : null}
              cfg={cfg}
              sweep={state.sweep}
              onChange={(fn) => update((s) => ({ ...s, sweep: fn(s.sweep) }))}
              blocked={runActive || measuring}
              onBusy={setSweeping}
              controls={!embed}
            />
          </ErrorBoundary>
          {!embed && (
            <ErrorBoundary name="run history">
              <RunHistory
                history={history}
                disabled={runActive}
                onUse={(c) => update((s) => ({ ...s, run: { ...DEFAULT_RUN, ...c } }))}
              />
            </ErrorBoundary>
          )}
          {!embed && (
            <ErrorBoundary name="datasets">
              <DatasetImport
                onStoredChange={stored.refresh}
                selected={cfg.dataset}
                onSelect={(dataset) => setRun((c) => ({ ...c, dataset, shards: null }))}
              />
            </ErrorBoundary>
          )}
          {!embed && engine.init?.ok && (
            <ErrorBoundary name="adapter">
              <AdapterPanel
                adapter={engine.init.adapter}
                limits={engine.init.limits}
                features={engine.init.features}
                kernels={engine.kernels}
              />
            </ErrorBoundary>
          )}
        </main>
      </div>
      <footer className="foot">
        Reproduces Li, Müller, Ghanem, Koltun, “Training Graph Neural Networks with 1000 Layers”,
        ICML 2021. Nothing leaves your machine.{' '}
        {!embed && <a href={`?${encodeState({ ...state, embed: true })}`}>Embed / teaching view</a>}
      </footer>
    </div>
  );
}
