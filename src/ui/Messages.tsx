// What the engine reported that a person should know (a lost device, GPU errors), dismissible;
// and what the address held that the page did not understand.
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
  addressNotes = [],
}: {
  messages: EngineMessage[];
  onDismiss(id: number): void;
  addressNotes?: string[];
}) {
  return (
    <>
      {addressNotes.length > 0 && (
        <div className="panel warn" role="status" data-testid="url-notes">
          <strong>Some settings in the address were not understood:</strong>
          <ul>
            {addressNotes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </div>
      )}
      {messages.length > 0 && <EngineMessages messages={messages} onDismiss={onDismiss} />}
    </>
  );
}

function EngineMessages({
  messages,
  onDismiss,
}: {
  messages: EngineMessage[];
  onDismiss(id: number): void;
}) {
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
