// A person picks the citation-like dataset, a 64-layer reversible GCN, trains 3 epochs, and
// watches the charts fill; the page after training is kept as a screenshot.
import { test, expect } from '@playwright/test';
import { fill, openStudio } from './helpers';

test('rev with 64 layers trains 3 epochs on the citation dataset', async ({ page }, testInfo) => {
  const errors = await openStudio(page);
  await page.getByTestId('dataset-select').selectOption({ label: 'Citation (synthetic)' });
  await expect(page.getByTestId('shard-table').locator('tbody tr')).toHaveCount(4);
  await page.getByTestId('model-select').selectOption('rev');
  await fill(page, 'depth-input', 64);
  await fill(page, 'channels-input', 16);
  await fill(page, 'epochs-input', 3);
  await fill(page, 'parts-input', 4);
  // Evaluation by parts too, predictions averaged over two partitions.
  await fill(page, 'eval-parts-input', 3);
  await fill(page, 'eval-views-input', 2);
  await fill(page, 'lr-input', 0.02);
  await expect(page.getByTestId('config-problems')).toHaveCount(0);

  await page.getByTestId('train-start').click();
  const progress = page.getByTestId('run-progress');
  await expect(progress).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', '1', {
    timeout: 120_000,
  });
  await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 180_000 });

  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', '3');
  await expect(page.getByTestId('metric-chart')).toHaveAttribute('data-points', '3');
  await expect(page.getByTestId('best-metric')).toContainText(/\d+\.\d %/);
  expect(await progress.evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);
  await expect(page.getByTestId('run-status')).toContainText('Finished after 3 of 3 epochs');
  await expect(page.getByTestId('reconstruction-chart')).toBeVisible();
  await expect(page.getByTestId('timeline-chart')).not.toHaveAttribute('data-points', '0');
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '1');

  // The lines are drawn, not only counted.
  await expect(page.getByTestId('loss-chart').locator('.recharts-line-curve')).toHaveCount(1);
  await page.evaluate(() => {
    window.scrollTo(0, 0);
    document.querySelector('.side')?.scrollTo(0, 0);
  });
  const shot = await page.screenshot({ path: testInfo.outputPath('after-training.png') });
  await testInfo.attach('after-training', { body: shot, contentType: 'image/png' });
  await page.screenshot({ path: testInfo.outputPath('after-training-full.png'), fullPage: true });
  expect(errors).toEqual([]);
});
