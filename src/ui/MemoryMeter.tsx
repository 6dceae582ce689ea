import type { MemorySnapshot } from '../gpu/tracked-allocator';
import { MEMORY_TAGS } from '../gpu/memory-tags';
import { formatBytes } from '../util/format';

export function MemoryMeter({ memory }: { memory: MemorySnapshot }) {
  return (
    <section className="panel" aria-labelledby="meter-title" data-testid="memory-meter">
      <h2 id="meter-title">GPU memory</h2>
      <p className="big" data-testid="memory-total">
        {formatBytes(memory.liveBytes)} <span className="muted">on the device</span>
      </p>
      <p className="muted">
        in use {formatBytes(memory.inUseBytes)} · peak {formatBytes(memory.peakInUseBytes)}
        {memory.budgetBytes !== null ? ` · budget ${formatBytes(memory.budgetBytes)}` : ''}
      </p>
      <table className="bytag">
        <tbody>
          {MEMORY_TAGS.map((t) => (
            <tr key={t}>
              <th scope="row">{t}</th>
              <td>{formatBytes(memory.inUseByTag[t])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
