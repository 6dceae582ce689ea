// What the studio tests share: open the page with the engine ready, fill a field like a person.
import { expect, type Page } from '@playwright/test';

export async function openStudio(page: Page, query = ''): Promise<string[]> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/${query ? `?${query}` : ''}`);
  await expect(page.getByTestId('adapter-line')).toBeVisible({ timeout: 60_000 });
  return errors;
}

export async function fill(page: Page, testId: string, value: string | number): Promise<void> {
  const input = page.getByTestId(testId);
  await input.fill(String(value));
  await expect(input).toHaveValue(String(value));
}

/** The debug object the page publishes (window.__revgnn), read in the page. */
export async function debug<T>(page: Page, key: string): Promise<T> {
  return page.evaluate(
    (k) => (window as unknown as { __revgnn: Record<string, unknown> }).__revgnn[k],
    key,
  ) as Promise<T>;
}
