// The page's small rough edges, each as a person meets it: time per epoch leaves paused time out
// and every figure says which statistic it is; an emptied number field says what still applies;
// an imported dataset lists its classes; buttons and labels name what they act on, once.
import { test, expect } from '@playwright/test';
import { debug, openStudio } from './helpers';

test('a paused epoch is timed without the pause, and each figure says which statistic it is', async ({
  page,
}) => {
  const errors = await openStudio(
    page,
    'data=citation&model=rev&layers=4&channels=8&groups=2&parts=2&epochs=40',
  );
  await page.getByTestId('train-start').click();
  // Pause once training runs (after the first epoch, which also builds the GPU pipelines).
  await expect
    .poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points')), {
      timeout: 120_000,
    })
    .toBeGreaterThanOrEqual(1);
  await page.getByTestId('train-pause').click();
  const status = page.getByTestId('run-status');
  await expect(status).toContainText('Paused at epoch');
  const paused = Number(/Paused at epoch (\d+)/.exec((await status.textContent())!)![1]);
  const PAUSE_MS = 6000;
  await page.waitForTimeout(PAUSE_MS);
  await page.getByTestId('train-resume').click();
  // Once the held epoch is recorded, the rest is not needed.
  await expect
    .poll(async () => Number(await page.getByTestId('loss-chart').getAttribute('data-points')), {
      timeout: 120_000,
    })
    .toBeGreaterThanOrEqual(paused);
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', /done|stopped/, {
    timeout: 120_000,
  });
  const time = (await debug<{ time: { x: number; y: number }[] }>(page, 'charts')).time;
  const heldEpoch = time.find((p) => p.x === paused)!;
  // The held epoch took its own time, not the six seconds it waited.
  expect(heldEpoch.y).toBeLessThan(PAUSE_MS - 1000);

  await expect(page.getByTestId('train-panel')).toContainText('Last epoch took');
  await expect(page.getByTestId('time-chart')).toContainText('time paused left out');
  await expect(page.getByTestId('history-table').locator('thead')).toContainText('Mean time/epoch');
  expect(errors).toEqual([]);
});

test('fields, buttons and labels say what they are about', async ({ page }) => {
  const errors = await openStudio(page, 'data=citation&model=rev&layers=2&channels=8&epochs=3');

  // An emptied number field does not keep its old value silently.
  const epochs = page.getByTestId('epochs-input');
  await epochs.fill('');
  await expect(epochs).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Empty: type a number. Until then 3 is used.')).toBeVisible();
  await epochs.blur();
  await expect(epochs).toHaveValue('3');
  await expect(epochs).toHaveAttribute('aria-invalid', 'false');

  // "Use" buttons name their dataset.
  await expect(page.getByRole('button', { name: 'Use Proteins (synthetic)' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Use Long range (synthetic)' })).toBeVisible();

  // No control carries the same name as the group around it ("Dataset Dataset").
  const doubled = await page.evaluate(() => {
    const out: string[] = [];
    for (const fs of document.querySelectorAll('fieldset')) {
      const legend = fs.querySelector(':scope > legend')?.textContent?.trim();
      if (!legend) continue;
      for (const c of fs.querySelectorAll<HTMLInputElement>('input, select, textarea')) {
        const name = (c.getAttribute('aria-label') ?? c.labels?.[0]?.textContent ?? '').trim();
        if (name === legend) out.push(name);
      }
    }
    return out;
  });
  expect(doubled).toEqual([]);

  // An imported dataset's entry says how many classes it has.
  const edges = Array.from({ length: 30 }, (_, i) => `${i},${(i + 1) % 30}`).join('\n');
  const labels = Array.from({ length: 30 }, (_, i) => String(i % 3)).join('\n');
  await page.getByTestId('dataset-files').setInputFiles([
    { name: 'edges.csv', mimeType: 'text/csv', buffer: Buffer.from(edges) },
    { name: 'labels.csv', mimeType: 'text/csv', buffer: Buffer.from(labels) },
  ]);
  const stored = page.getByTestId('stored-datasets').locator('li').first();
  await expect(stored).toContainText('3 classes', { timeout: 60_000 });
  await expect(stored).toContainText('30 nodes');
  const id = (await stored.locator('strong').textContent())!;
  await expect(stored.getByRole('button', { name: `Use ${id}` })).toBeVisible();
  expect(errors).toEqual([]);
});
