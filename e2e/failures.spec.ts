// The GPU device is lost in the middle of a run (the test hook destroys it as a driver reset
// would): the page says so, and training continues on a new device from the last checkpoint.
import { test, expect } from '@playwright/test';
import { debug, fill, openStudio } from './helpers';

test('training resumes after the device is lost mid-run', async ({ page }) => {
  const errors = await openStudio(
    page,
    'data=citation&model=rev&layers=8&channels=16&parts=2&epochs=6',
  );
  await fill(page, 'epochs-input', 6);
  await page.getByTestId('train-start').click();
  const loss = page.getByTestId('loss-chart');
  await expect(loss).toHaveAttribute('data-points', '2', { timeout: 120_000 });

  await page.evaluate(() => window.__revgnn!.loseDevice!());
  await expect(
    page.getByTestId('engine-message').filter({ hasText: 'GPU device was lost' }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('device-notice')).toContainText(
    'training resumed on a new device',
    { timeout: 60_000 },
  );

  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 180_000,
  });
  await expect(loss).toHaveAttribute('data-points', '6');
  const epochs = (await debug<{ loss: { x: number }[] }>(page, 'charts')).loss.map((p) => p.x);
  expect(epochs).toEqual([1, 2, 3, 4, 5, 6]);
  await expect(page.getByTestId('history-table').locator('tbody tr').first()).toContainText(
    '1 device loss',
  );
  expect(errors).toEqual([]);
});

test('a run past the memory budget stops cleanly with out-of-memory, and the page recovers', async ({
  page,
}) => {
  const errors = await openStudio(
    page,
    'data=citation&model=res&layers=128&channels=16&epochs=2&parts=1&budget=6',
  );
  await page.getByTestId('train-start').click();
  const progress = page.getByTestId('run-progress');
  await expect(progress).toHaveAttribute('data-state', 'oom', { timeout: 120_000 });
  await expect(page.getByTestId('run-message')).toContainText('Out of GPU memory (budget)');
  await expect(page.getByTestId('run-message')).toContainText('stopped cleanly');
  await expect(page.getByTestId('history-table').locator('tbody tr').first()).toContainText(
    'out of memory',
  );

  // The same depth with a reversible model fits in the same budget.
  await page.getByTestId('model-select').selectOption('rev');
  await page.getByTestId('train-start').click();
  await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '2');
  expect(errors).toEqual([]);
});
