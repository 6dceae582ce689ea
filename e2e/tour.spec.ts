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
    says: /res climbed .* rev moved by/,
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

async function shoot(page: Page, name: string, path: string) {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(600); // the smooth scroll to the step's chart
  await page.screenshot({ path });
  if (process.env.UPDATE_SCREENSHOT) {
    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: `docs/${name}.png` });
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
    await shoot(page, `tour-${step}`, testInfo.outputPath(`tour-${step}.png`));
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
  expect(errors).toEqual([]);
});
