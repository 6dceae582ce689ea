// Every run kept in this browser: compare them in a table, overlay any on the charts, reuse a
// run's configuration, export them all.
import { formatBytes } from '../../util/format';
import { runsCurvesCsv, runsJson, runsSummaryCsv } from '../export/csv';
import { download } from '../export/download';
import { formatSpan } from '../run/progress';
import type { RunRecord } from '../state/history-store';
import type { RunConfig } from '../state/run-config';
import type { History } from './use-history';

interface Props {
  history: History;
  onUse(cfg: RunConfig): void;
  disabled: boolean;
}

const STATUS_WORDS: Record<RunRecord['status'], string> = {
  done: 'finished',
  stopped: 'stopped',
  oom: 'out of memory',
  diverged: 'diverged',
  error: 'failed',
};

function metricText(v: number, metric: RunRecord['metric']): string {
  if (!Number.isFinite(v)) return '–';
  return metric === 'rocauc' ? v.toFixed(4) : `${(100 * v).toFixed(1)} %`;
}

export function RunHistory({ history, onUse, disabled }: Props) {
  const { runs, overlay } = history;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return (
    <section className="panel" aria-labelledby="history-title" data-testid="run-history">
      <div className="panel-head">
        <h2 id="history-title">Runs</h2>
        <div className="button-row">
          <button
            type="button"
            className="small"
            disabled={!runs.length}
            onClick={() => download(`revgnn-runs-${stamp}.csv`, runsSummaryCsv(runs), 'text/csv')}
          >
            Export CSV
          </button>
          <button
            type="button"
            className="small"
            disabled={!runs.length}
            onClick={() => download(`revgnn-curves-${stamp}.csv`, runsCurvesCsv(runs), 'text/csv')}
          >
            Export curves CSV
          </button>
          <button
            type="button"
            className="small"
            disabled={!runs.length}
            onClick={() =>
              download(`revgnn-runs-${stamp}.json`, runsJson(runs), 'application/json')
            }
          >
            Export JSON
          </button>
          <button
            type="button"
            className="small"
            disabled={!runs.length}
            onClick={() => {
              if (window.confirm(`Delete all ${runs.length} runs from this browser?`))
                history.clear();
            }}
          >
            Clear
          </button>
        </div>
      </div>
      {history.problem && (
        <p className="field-problem" role="alert">
          {history.problem}
        </p>
      )}
      {!runs.length ? (
        <p className="muted">
          Finished runs are listed here and kept in this browser. Tick a run to overlay it on the
          charts.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="history-table" data-rows={runs.length}>
            <thead>
              <tr>
                <th scope="col">Show</th>
                <th scope="col">When</th>
                <th scope="col">Dataset</th>
                <th scope="col">Model</th>
                <th scope="col">Depth</th>
                <th scope="col">Channels</th>
                <th scope="col">Groups</th>
                <th scope="col">Params</th>
                <th scope="col">Peak mem.</th>
                <th scope="col" title="Mean wall time of the run's epochs, paused time left out">
                  Mean time/epoch
                </th>
                <th scope="col">Best test</th>
                <th scope="col">Result</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => {
                const m = r.config.model;
                const when = new Date(r.createdAt);
                return (
                  <tr key={r.id} data-run={r.id}>
                    <td>
                      <input
                        type="checkbox"
                        checked={overlay.has(r.id)}
                        onChange={() => history.toggleOverlay(r.id)}
                        aria-label={`Overlay the ${m.model} run of ${when.toLocaleString()} on the charts`}
                      />
                    </td>
                    <td>
                      {when.toLocaleString([], {
                        month: 'short',
                        day: 'numeric',
                        hour: '2-digit',
                        minute: '2-digit',
                      })}
                    </td>
                    <td>{r.dataset}</td>
                    <td>
                      {m.model} <span className="muted">{m.op}</span>
                    </td>
                    <td>{m.layers}</td>
                    <td>{m.channels}</td>
                    <td>{m.model === 'rev' || m.model === 'wtrev' ? m.groups : '–'}</td>
                    <td>{r.params ? r.params.toLocaleString() : '–'}</td>
                    <td>{r.peakBytes ? formatBytes(r.peakBytes) : '–'}</td>
                    <td>{formatSpan(r.msPerEpoch)}</td>
                    <td>{metricText(r.best.test, r.metric)}</td>
                    <td title={r.message}>
                      {STATUS_WORDS[r.status]}
                      {r.recoveries
                        ? ` (${r.recoveries} device loss${r.recoveries > 1 ? 'es' : ''})`
                        : ''}
                    </td>
                    <td>
                      <span className="actions">
                        <button
                          type="button"
                          className="small"
                          disabled={disabled}
                          onClick={() => onUse(r.config)}
                          aria-label={`Use the settings of the ${m.model} run of ${when.toLocaleString()}`}
                        >
                          Use
                        </button>
                        <button
                          type="button"
                          className="small"
                          onClick={() => history.remove(r.id)}
                          aria-label={`Delete the ${m.model} run of ${when.toLocaleString()}`}
                          title="Delete this run"
                        >
                          ×
                        </button>
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
