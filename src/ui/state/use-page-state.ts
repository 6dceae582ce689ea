// The page's configuration, read from the address once and written back on every change, so the
// address always reproduces what is on screen (a reload or a shared link shows the same set-up).
import { useCallback, useEffect, useState } from 'react';
import { decodeState, encodeState, type PageState } from './url-state';

export interface PageStateHandle {
  state: PageState;
  update(fn: (s: PageState) => PageState): void;
  /** What the address held that was not understood (shown once, in words). */
  notes: string[];
}

export function usePageState(): PageStateHandle {
  const [initial] = useState(() => decodeState(window.location.search));
  const [state, setState] = useState<PageState>(initial.state);

  useEffect(() => {
    // `kernels` (forced kernel variants) is a setting of the device, not of the run: kept as is.
    const kernels = new URLSearchParams(window.location.search).get('kernels');
    const query =
      encodeState(state) + (kernels === null ? '' : `&${new URLSearchParams({ kernels })}`);
    if (window.location.search.slice(1) !== query)
      window.history.replaceState(window.history.state, '', `${window.location.pathname}?${query}`);
  }, [state]);

  const update = useCallback((fn: (s: PageState) => PageState) => setState(fn), []);
  return { state, update, notes: initial.notes };
}
