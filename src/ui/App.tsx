// The page: configuration on the left; training, its charts, memory and the depth sweep on the
// right; the run history below; the guided tour beside it all. On a phone the training controls
// come first. Everything heavy happens in the engine worker.
import { useCallback, useEffect, useState } from 'react';
import { AdapterPanel } from './AdapterPanel';
import { RunCharts } from './charts/RunCharts';
import { ConfigPanel } from './config/ConfigPanel';
import { useManifest, useStoredDatasets } from './config/use-datasets';
import { DatasetImport } from './DatasetImport';
import { publishDebug } from './debug';
import { ErrorBoundary } from './ErrorBoundary';
import { RunHistory } from './history/RunHistory';
import { BlockView } from './diagram/BlockView';
import { useHistory } from './history/use-history';
import { TimelinePanel } from './memory/TimelinePanel';
import { useTimelines } from './memory/use-timelines';
import { MemoryMeter } from './MemoryMeter';
import { Messages } from './Messages';
import { NoWebGpu } from './NoWebGpu';
import { ClassroomView } from './present/ClassroomView';
import { TrainPanel } from './run/TrainPanel';
import { useRun } from './run/use-run';
import type { LoadedWeights } from './run/WeightsControls';
import { budgetBytes, DEFAULT_RUN, modelLabel, type RunConfig } from './state/run-config';
import { useRunProblems } from './state/use-run-problems';
import { usePageState } from './state/use-page-state';
import { encodeState, type PageState } from './state/url-state';
import { StudioHeader } from './StudioHeader';
import { DepthPrediction } from './sweep/DepthPrediction';
import { SweepPanel } from './sweep/SweepPanel';
import { useSweep } from './sweep/use-sweep';
import { TourCard } from './tour/TourCard';
import { type SweepMetric } from './sweep/sweep-series';
import './teaching.css';
import { useEngine } from './useEngine';
import { useTeaching } from './use-teaching';
import { useMediaQuery } from './use-media-query';

export function App() {
  const engine = useEngine();
  const { state, update, notes } = usePageState();
  const cfg = state.run;
  const embed = state.embed;
  const history = useHistory();
  const ready = engine.init?.ok === true;
  const client = ready ? engine.client : null;
  const timelines = useTimelines(client);
  const sweep = useSweep(client);
  const [sweepMetric, setSweepMetric] = useState<SweepMetric>('activations');
  const [loaded, setLoaded] = useState<LoadedWeights | null>(null);
  // The moment of the measured step being looked at: the timeline's cursor, the block's moment.
  const [position, setPosition] = useState(0.3);
  const narrow = useMediaQuery('(max-width: 980px)');
  const manifest = useManifest(cfg.dataset);
  const stored = useStoredDatasets();

  const adapter = engine.init?.ok
    ? `${engine.init.adapter.vendor} ${engine.init.adapter.architecture}`.trim()
    : '';
  const run = useRun(engine.client, adapter, timelines.add, history.add);
  const runActive = run.view.phase !== 'idle' && run.view.phase !== 'finished';
  const busy = runActive || timelines.busy || sweep.view.running;

  const setRun = useCallback(
    (fn: (c: RunConfig) => RunConfig) => update((s) => ({ ...s, run: fn(s.run) })),
    [update],
  );

  const m = manifest.manifest;
  const problems = useRunProblems(cfg, manifest);

  const onLoaded = useCallback(
    (w: LoadedWeights | null) => {
      setLoaded(w);
      // The weights fix the network's shape: show the configuration they were trained with.
      if (w?.use)
        setRun((c) => ({ ...c, model: { ...c.model, ...w.info.model, dropout: c.model.dropout } }));
    },
    [setRun],
  );

  const {
    tour,
    notes: tourNotesNow,
    predicted,
    mismatch,
  } = useTeaching({
    state,
    update,
    run,
    history,
    sweep,
    timelines,
    look: setPosition,
    sweepMetric,
  });

  useEffect(() => {
    publishDebug({
      loseDevice: async () => {
        await engine.client?.loseDevice();
      },
    });
  }, [engine.client]);
  useEffect(() => {
    publishDebug({
      run: {
        phase: run.view.phase,
        status: run.view.result?.status ?? null,
        epochs: run.view.epochs.length,
        notice: run.view.notice,
        recordId: run.view.recordId,
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
        recordId: run.view.recordId,
      }
    : null;
  const overlays = history.runs.filter((r) => history.overlay.has(r.id));

  const sv = sweep.view;
  const href = (patch: Partial<PageState>) => `?${encodeState({ ...state, ...patch })}`;
  const tourCard = <TourCard tour={tour} canRun={ready && !busy} />;

  if (state.present)
    return (
      <ClassroomView
        sweep={sv}
        metric={sweepMetric}
        timelines={timelines.series}
        cfg={cfg}
        notes={tourNotesNow}
        studioHref={href({ present: false })}
        tour={tourCard}
        position={position}
        onPosition={setPosition}
      />
    );

  const trainPanel = (
    <ErrorBoundary name="training">
      <TrainPanel
        run={run}
        cfg={cfg}
        problems={problems}
        client={client}
        blocked={timelines.busy || sv.running}
        loaded={loaded}
        onLoaded={onLoaded}
        controls={!embed}
      />
    </ErrorBoundary>
  );

  return (
    <div className={embed ? 'app embed' : 'app'}>
      <StudioHeader
        init={engine.init}
        adapter={adapter}
        onTour={tour.start}
        tourOpen={tour.step !== null}
        classroomHref={href({ present: true, embed: false })}
      />

      <Messages messages={engine.messages} onDismiss={engine.dismiss} addressNotes={notes} />

      {!engine.init && <p data-testid="starting">Starting the GPU engine…</p>}
      {engine.init && !engine.init.ok && <NoWebGpu message={engine.init.message} />}

      <div className="layout">
        {narrow && !embed && trainPanel}
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
                depthNote={
                  <DepthPrediction
                    predictions={predicted.total}
                    mismatch={mismatch}
                    budgetBytes={sv.budgetBytes}
                  />
                }
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
              <a href={href({ embed: false })} target="_blank" rel="noreferrer">
                Open in RevGNN Studio
              </a>
            </p>
          )}
          {(!narrow || embed) && trainPanel}
          <ErrorBoundary name="charts">
            <RunCharts
              current={current}
              metric={metric}
              overlays={overlays}
              annotations={{ loss: tourNotesNow.loss }}
            />
          </ErrorBoundary>
          <div className="memory-row">
            <ErrorBoundary name="memory meter">
              <MemoryMeter memory={engine.memory} budgetBytes={budgetBytes(cfg)} />
            </ErrorBoundary>
            <ErrorBoundary name="step timeline">
              <TimelinePanel
                timelines={timelines}
                cfg={cfg}
                ready={ready}
                blocked={runActive || sv.running}
                canRun={problems.length === 0}
                annotations={tourNotesNow.timeline}
                position={position}
                onPosition={setPosition}
              />
            </ErrorBoundary>
          </div>
          <ErrorBoundary name="block diagram">
            <BlockView
              series={timelines.series}
              position={position}
              onPosition={setPosition}
              model={cfg.model.model}
              groups={cfg.model.groups}
              layers={cfg.model.layers}
            />
          </ErrorBoundary>
          <ErrorBoundary name="depth sweep">
            <SweepPanel
              sweep={sweep}
              ready={ready}
              cfg={cfg}
              sweepCfg={state.sweep}
              onChange={(fn) => update((s) => ({ ...s, sweep: fn(s.sweep) }))}
              blocked={runActive || timelines.busy}
              controls={!embed}
              metric={sweepMetric}
              onMetric={setSweepMetric}
              predictions={predicted.chart}
              annotations={tourNotesNow.sweep}
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
      {tourCard}
      <footer className="foot">
        Reproduces Li, Müller, Ghanem, Koltun, “Training Graph Neural Networks with 1000 Layers”,
        ICML 2021. Nothing leaves your machine.{' '}
        {!embed && <a href={href({ embed: true })}>Embed / teaching view</a>}
      </footer>
    </div>
  );
}
