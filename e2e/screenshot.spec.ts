// The picture for the README: a 64-layer RevGNN trained long enough to learn, beside one step of
// a residual network of the same depth. Saved as a test artifact, and to docs/screenshot.png
// with UPDATE_SCREENSHOT=1.
import { test, expect } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { openStudio } from './helpers';

test('the page after a full training run (README screenshot)', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const errors = await openStudio(
    page,
    'data=citation&model=res&layers=64&channels=16&groups=2&epochs=30&lr=0.01&parts=1&seed=0',
  );
  await page.getByTestId('capture-step').click();
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-series', '1', {
    timeout: 60_000,
  });

  await page.getByTestId('model-select').selectOption('rev');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 240_000,
  });
  await expect(page.getByTestId('loss-chart')).toHaveAttribute('data-points', '30');
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-series', '2');

  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
    document.querySelector('.side')?.scrollTo(0, 0);
  });
  // The README's picture is refreshed on request only, so a test run leaves the tree clean.
  if (process.env.UPDATE_SCREENSHOT) {
    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: 'docs/screenshot.png' });
  }
  await page.screenshot({ path: testInfo.outputPath('studio.png') });
  await page.screenshot({ path: testInfo.outputPath('studio-full.png'), fullPage: true });
  expect(errors).toEqual([]);
});
