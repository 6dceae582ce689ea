// On a phone (390 × 844): the main action is near the top, not past every setting; once runs,
// a sweep and a step timeline exist nothing makes the page wider than the screen — wide tables
// scroll inside their own box — and the file pickers stay inside their drop zone.
import { test, expect } from '@playwright/test';
import { openStudio } from './helpers';

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test('a phone shows the whole page at its width, with the main action first', async ({
  page,
}, testInfo) => {
  const errors = await openStudio(
    page,
    'data=citation&model=rev&layers=2&channels=8&groups=2&epochs=1&parts=1&sweep=rev&depths=2,4',
  );
  const start = page.getByTestId('train-start');
  const startBox = (await start.boundingBox())!;
  const config = (await page.getByTestId('config-panel').boundingBox())!;
  expect(startBox.y, 'Start training comes before the settings').toBeLessThan(config.y);
  expect(startBox.y + startBox.height).toBeLessThan(844);

  await start.click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 120_000,
  });
  await page.getByTestId('capture-step').click();
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-series', '2', {
    timeout: 60_000,
  });
  await page.getByTestId('sweep-start').click();
  await expect(page.getByTestId('sweep-table')).toHaveAttribute('data-rows', '2', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '1');

  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  for (const id of ['history-table', 'sweep-table']) {
    const table = page.getByTestId(id);
    const box = await table.evaluate((t) => {
      const scroller = t.parentElement!;
      return {
        overflow: getComputedStyle(scroller).overflowX,
        scrollerRight: scroller.getBoundingClientRect().right,
        tableWidth: t.scrollWidth,
        visible: scroller.clientWidth,
      };
    });
    expect(box.overflow, `${id} scrolls in its own box`).toBe('auto');
    expect(box.scrollerRight).toBeLessThanOrEqual(390);
    expect(box.tableWidth, `${id} is wider than its box`).toBeGreaterThan(box.visible);
  }

  const drop = (await page.getByTestId('dataset-drop').boundingBox())!;
  for (const input of await page.getByTestId('dataset-drop').locator('input[type=file]').all()) {
    const b = (await input.boundingBox())!;
    expect(b.x).toBeGreaterThanOrEqual(drop.x);
    expect(b.x + b.width).toBeLessThanOrEqual(drop.x + drop.width);
  }
  await page.screenshot({ path: testInfo.outputPath('phone.png'), fullPage: true });
  expect(errors).toEqual([]);
});
