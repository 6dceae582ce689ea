// What the engine reported that a person should know (a lost device, GPU errors), dismissible.
import type { EngineMessage } from './useEngine';

const TITLES: Record<EngineMessage['kind'], string> = {
  'device-lost': 'GPU device lost',
  'device-restored': 'GPU device back',
  'gpu-error': 'GPU error',
  info: 'Note',
  error: 'Problem',
};

export function Messages({
  messages,
  onDismiss,
}: {
  messages: EngineMessage[];
  onDismiss(id: number): void;
}) {
  if (!messages.length) return null;
  return (
    <section className="messages" role="status" aria-live="polite" data-testid="messages">
      {messages.map((m) => (
        <div
          key={m.id}
          className={`message ${m.kind}`}
          data-testid="engine-message"
          data-kind={m.kind}
        >
          <strong>{TITLES[m.kind]}:</strong> <span>{m.text}</span>
          <button
            type="button"
            className="small"
            onClick={() => onDismiss(m.id)}
            aria-label="Dismiss this message"
          >
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
