// window.__revgnn: what the page is showing, as data, for end-to-end tests and for curious people
// in the console — the charts' series exactly as they were drawn, and a hook to lose the device.
export interface RevgnnDebug {
  /** Destroys the engine's GPU device, as a driver reset would. */
  loseDevice?: () => Promise<void>;
  [key: string]: unknown;
}

declare global {
  interface Window {
    __revgnn?: RevgnnDebug;
  }
}

export function publishDebug(values: Partial<RevgnnDebug>): void {
  if (typeof window === 'undefined') return;
  window.__revgnn = { ...(window.__revgnn ?? {}), ...values };
}
