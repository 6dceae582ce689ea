// The live meter (DESIGN §2): every byte on the device, by what it holds, as the allocator
// booked it — with the budget, when one simulates a smaller GPU.
import type { MemorySnapshot } from '../gpu/tracked-allocator';
import { MEMORY_TAGS } from '../gpu/memory-tags';
import { formatBytes } from '../util/format';
import { TAG_COLORS } from './charts/colors';
import { shortBytes } from './charts/ticks';

export function MemoryMeter({
  memory,
  budgetBytes,
}: {
  memory: MemorySnapshot | null;
  budgetBytes?: number | null;
}) {
  if (!memory)
    return (
      <section className="panel" data-testid="memory-meter-waiting">
        <h2>GPU memory</h2>
        <p className="muted">The meter appears once the GPU engine has started.</p>
      </section>
    );
  const budget = memory.budgetBytes ?? budgetBytes ?? null;
  const scale = Math.max(memory.peakInUseBytes, memory.inUseBytes, budget ?? 0, 1);
  return (
    <section className="panel" aria-labelledby="meter-title" data-testid="memory-meter">
      <h2 id="meter-title">GPU memory</h2>
      <p className="big" data-testid="memory-total">
        {formatBytes(memory.inUseBytes)} <span className="muted">in use</span>
      </p>
      <p className="muted">
        on the device {formatBytes(memory.liveBytes)} · peak {formatBytes(memory.peakInUseBytes)}
        {budget !== null ? ` · budget ${formatBytes(budget)}` : ''}
        {memory.phase ? ` · now: ${memory.phase}` : ''}
      </p>
      <div
        className="meter-bar"
        role="meter"
        aria-label="GPU memory in use"
        aria-valuemin={0}
        aria-valuemax={scale}
        aria-valuenow={memory.inUseBytes}
        aria-valuetext={`${formatBytes(memory.inUseBytes)} in use`}
      >
        {MEMORY_TAGS.map((t) =>
          memory.inUseByTag[t] > 0 ? (
            <span
              key={t}
              title={`${t}: ${formatBytes(memory.inUseByTag[t])}`}
              style={{
                width: `${(100 * memory.inUseByTag[t]) / scale}%`,
                background: TAG_COLORS[t],
              }}
            />
          ) : null,
        )}
        <span
          className="meter-peak"
          style={{ left: `${(100 * memory.peakInUseBytes) / scale}%` }}
          title="peak"
        />
        {budget !== null && (
          <span
            className="meter-budget"
            style={{ left: `${Math.min(100, (100 * budget) / scale)}%` }}
            title="budget"
          />
        )}
      </div>
      <table className="bytag">
        <thead>
          <tr>
            <th scope="col">
              <span className="visually-hidden">Tag</span>
            </th>
            <th scope="col">now</th>
            <th scope="col">peak</th>
          </tr>
        </thead>
        <tbody>
          {MEMORY_TAGS.map((t) => (
            <tr key={t}>
              <th scope="row">
                <span className="swatch" style={{ background: TAG_COLORS[t] }} aria-hidden="true" />
                {t}
              </th>
              <td>{shortBytes(memory.inUseByTag[t])}</td>
              <td className="muted">{shortBytes(memory.peakInUseByTag[t])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
