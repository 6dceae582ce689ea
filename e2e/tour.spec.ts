// The guided tour, "why 1000 layers fit", run start to finish on the built-in data at the small
// sizes it uses: every step runs, reports what happened and pins its notes on the charts; the
// address holds the step, so a link to step 3 opens step 3.
import { test, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { openStudio } from './helpers';

/** Per step: what it reports, and its notes as [chart, note] pairs. */
const STEPS: Record<number, { says: RegExp; notes: [string, string][] }> = {
  1: { says: /Best test accuracy: res .* rev /, notes: [['loss-chart', 'alike']] },
  2: { says: /res ran out of memory in the forward pass at layer \d+/, notes: [] },
  3: {
    says: /res ran out of memory from \d+ layers/,
    notes: [
      ['sweep-chart', 'oom'],
      ['sweep-chart', 'flat'],
    ],
  },
  4: {
    says: /res climbed .* rev rose .* and stayed there/,
    notes: [
      ['timeline-chart', 'climb'],
      ['timeline-chart', 'flat-step'],
    ],
  },
  5: {
    says: /1001 layers trained for an epoch; peak/,
    notes: [
      ['loss-chart', 'deep'],
      ['timeline-chart', 'deep-step'],
    ],
  },
};

/** The README's pictures, refreshed on request only (UPDATE_SCREENSHOT=1). */
const FOR_README = new Set(['tour-3', 'tour-4', 'tour-5', 'block-diagram', 'classroom']);

async function shoot(page: Page, name: string, dir: string, testId?: string) {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(600); // the smooth scroll to the step's chart
  const target = testId ? page.getByTestId(testId) : page;
  await target.screenshot({ path: `${dir}/${name}.png` });
  if (process.env.UPDATE_SCREENSHOT && FOR_README.has(name)) {
    mkdirSync('docs', { recursive: true });
    await target.screenshot({ path: `docs/${name}.png` });
  }
}

test('the tour runs start to finish, and its address restores a step', async ({
  page,
}, testInfo) => {
  test.setTimeout(600_000);
  const errors = await openStudio(page);
  await page.getByRole('button', { name: /tour/i }).click();
  const card = page.getByTestId('tour');
  for (let step = 1; step <= 5; step++) {
    await expect(card).toHaveAttribute('data-step', String(step));
    await expect(page).toHaveURL(new RegExp(`tour=${step}`));
    await expect(page.getByTestId('tour-next')).toHaveText(step === 5 ? 'Finish' : 'Skip');
    await page.getByTestId('tour-run').click();
    await expect(card).toHaveAttribute('data-done', 'true', { timeout: 240_000 });
    await expect(card).toHaveAttribute('data-running', 'false');
    await expect(page.getByTestId('tour-result')).toHaveText(STEPS[step].says);
    for (const [chart, id] of STEPS[step].notes)
      await expect(page.getByTestId(chart).locator(`[data-annotation="${id}"]`)).toBeVisible();
    await shoot(page, `tour-${step}`, testInfo.outputDir);
    if (step === 4) {
      // The block at the moment the step points to, with the tour card folded out of the way.
      await page.getByRole('button', { name: 'Make the tour small' }).click();
      await page.getByTestId('block-view').evaluate((e) => e.scrollIntoView({ block: 'start' }));
      await shoot(page, 'block-diagram', testInfo.outputDir, 'block-view');
      await page.getByRole('button', { name: /Tour · step 4 of 5/ }).click();
    }
    await page.getByTestId('tour-next').click();
  }
  await expect(card).toHaveCount(0);
  await expect(page).not.toHaveURL(/tour=/);
  // What the tour left is the page's: the 1001-layer run is in the history.
  await expect(page.getByTestId('history-table').locator('tbody tr').first()).toContainText('1001');

  // A teacher's link to step 3: its settings, and what the sweep measured, with the notes on it.
  await page.goto('/?tour=3');
  await expect(card).toHaveAttribute('data-step', '3', { timeout: 60_000 });
  await expect(page.getByTestId('budget-input')).toHaveValue('6');
  await expect(page.getByTestId('sweep-depths')).toHaveValue('2, 8, 32, 128');
  await expect(page.getByTestId('sweep-chart').locator('[data-annotation="oom"]')).toBeVisible();
  // Skipping moves on without running anything.
  await page.getByTestId('tour-next').click();
  await expect(card).toHaveAttribute('data-step', '4');
  await expect(page).toHaveURL(/tour=4/);
  await expect(page.getByTestId('depth-input')).toHaveValue('32');
  await expect(card).toHaveAttribute('data-done', 'false');

  // The classroom view keeps the tour and shows what it measured, notes included.
  await page.getByTestId('classroom-link').click();
  await expect(page.getByTestId('classroom')).toBeVisible({ timeout: 60_000 });
  await expect(card).toHaveAttribute('data-step', '4');
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', '8');
  await expect(
    page.getByTestId('timeline-chart').locator('[data-annotation="climb"]'),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Make the tour small' }).click();
  await shoot(page, 'classroom', testInfo.outputDir);
  expect(errors).toEqual([]);
});
