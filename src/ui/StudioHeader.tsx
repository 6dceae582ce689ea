// The page's header: what this is, the way into the guided tour and the classroom view, and the GPU.
import type { InitResult } from '../worker/protocol';

interface Props {
  init: InitResult | null;
  adapter: string;
  onTour(): void;
  tourOpen: boolean;
  classroomHref: string;
}

export function StudioHeader({ init, adapter, onTour, tourOpen, classroomHref }: Props) {
  return (
    <header className="top">
      <div>
        <h1>RevGNN Studio</h1>
        <p className="tagline">
          Train 1000-layer graph neural networks on your own GPU. Reversible blocks keep activation
          memory at O(N·D) instead of O(L·N·D).
        </p>
      </div>
      <div className="top-actions">
        <button
          type="button"
          className="primary"
          onClick={onTour}
          disabled={tourOpen}
          data-testid="tour-start"
        >
          Take the tour: why 1000 layers fit
        </button>
        <a href={classroomHref} data-testid="classroom-link">
          Classroom view
        </a>
        {init?.ok && (
          <p className="adapter-line" data-testid="adapter-line">
            GPU: {adapter || 'unknown adapter'}
            {init.adapter.isFallback ? ' — software emulation, expect slow training' : ''}
          </p>
        )}
      </div>
    </header>
  );
}
