// What each point of the depth sweep measured, in a table that scrolls in its own box on a
// narrow screen, and the sweep as CSV or JSON.
import { formatBytes } from '../../util/format';
import type { SweepRow, SweepSpec } from '../../worker/protocol';
import { download } from '../export/download';
import { sweepCsv, sweepJson } from '../export/sweep-export';

const STATUS_WORDS = {
  ok: 'ok',
  oom: 'out of memory',
  invalid: 'not possible',
  error: 'failed',
} as const;

interface Props {
  rows: SweepRow[];
  spec: SweepSpec | null;
  at: number | null;
}

/** When the sweep was measured, as a file-name stamp. */
const stampOf = (at: number) => new Date(at).toISOString().slice(0, 19).replace(/[:T]/g, '-');

export function SweepTable({ rows, spec, at }: Props) {
  const stamp = stampOf(at ?? 0);
  return (
    <>
      <div className="button-row">
        <button
          type="button"
          className="small"
          onClick={() => download(`revgnn-sweep-${stamp}.csv`, sweepCsv(rows), 'text/csv')}
        >
          Export sweep CSV
        </button>
        <button
          type="button"
          className="small"
          onClick={() =>
            download(`revgnn-sweep-${stamp}.json`, sweepJson(spec, rows, at), 'application/json')
          }
        >
          Export sweep JSON
        </button>
      </div>
      <div className="table-scroll">
        <table className="data-table" data-testid="sweep-table" data-rows={rows.length}>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Depth</th>
              <th scope="col">Result</th>
              <th scope="col">Peak in use</th>
              <th scope="col">Activations</th>
              <th scope="col">Parameters</th>
              <th scope="col">Step</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={`${r.model}-${r.layers}`}
                className={r.status === 'ok' ? '' : 'bad'}
                title={r.message}
              >
                <td>{r.model}</td>
                <td>{r.layers}</td>
                <td>{STATUS_WORDS[r.status]}</td>
                <td>{r.status === 'ok' ? formatBytes(r.peakBytes) : '–'}</td>
                <td>{r.status === 'ok' ? formatBytes(r.activationBytes) : '–'}</td>
                <td>{r.status === 'ok' ? r.params.toLocaleString() : '–'}</td>
                <td>{r.status === 'ok' ? `${Math.round(r.ms)} ms` : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
