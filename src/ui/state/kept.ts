// Results kept in the browser between visits (localStorage: small, synchronous, there right
// after a reload): JSON that keeps NaN and ±Infinity, and a reader that survives damaged or
// foreign data by starting afresh.

/** NaN and ±Infinity do not survive JSON (they become null): keep them as words. */
export function replaceNonFinite(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

export function reviveNonFinite(_key: string, v: unknown): unknown {
  return v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v;
}

export function browserStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    // Storage can be switched off (privacy settings): the page works, nothing is kept.
    return null;
  }
}

/** The value under `key` if it passes `valid`; null when absent, damaged or not valid. */
export function readKept<T>(
  storage: Storage | null,
  key: string,
  valid: (v: unknown) => v is T,
): T | null {
  const text = storage?.getItem(key);
  if (!text) return null;
  try {
    const v = JSON.parse(text, reviveNonFinite) as unknown;
    return valid(v) ? v : null;
  } catch {
    return null;
  }
}

/** Writes `value` (null removes it); returns a sentence when the browser refused. */
export function writeKept(storage: Storage | null, key: string, value: unknown): string | null {
  if (!storage) return null;
  try {
    if (value === null) storage.removeItem(key);
    else storage.setItem(key, JSON.stringify(value, replaceNonFinite));
    return null;
  } catch (e) {
    return `This browser would not keep it (${e instanceof Error ? e.message : String(e)}).`;
  }
}
