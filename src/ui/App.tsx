import { useEngine } from './useEngine';
import { AdapterPanel } from './AdapterPanel';
import { MemoryMeter } from './MemoryMeter';
import { NoWebGpu } from './NoWebGpu';
import { DatasetImport } from './DatasetImport';

export function App() {
  const { init, memory, messages } = useEngine();
  return (
    <div className="app">
      <header>
        <h1>RevGNN Studio</h1>
        <p className="tagline">
          Train 1000-layer graph neural networks on your own GPU. Reversible blocks keep activation
          memory at O(N·D) instead of O(L·N·D).
        </p>
      </header>
      <main>
        {!init && <p data-testid="starting">Starting the GPU engine…</p>}
        {init && !init.ok && <NoWebGpu message={init.message} />}
        {init?.ok && (
          <div className="grid">
            <AdapterPanel adapter={init.adapter} limits={init.limits} features={init.features} />
            {memory && <MemoryMeter memory={memory} />}
          </div>
        )}
        <DatasetImport />
        {messages.length > 0 && (
          <section className="panel warn" role="status" aria-live="polite" data-testid="messages">
            {messages.map((m, i) => (
              <p key={i}>
                <strong>{m.kind}:</strong> {m.text}
              </p>
            ))}
          </section>
        )}
      </main>
    </div>
  );
}
