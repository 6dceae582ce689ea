// A person applies the planetoid-gcn recipe (Kipf's GCN) on the citation dataset, shortens it to
// two epochs, repeats it with two seeds, and reads mean ± std over the seeds.
import { test, expect } from '@playwright/test';
import { fill, openStudio } from './helpers';

test('a recipe applied and repeated over seeds reports mean ± std', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('dataset-select').selectOption({ label: 'Citation (synthetic)' });
  await page.getByTestId('recipe-select').selectOption('planetoid-gcn');
  await expect(page.getByTestId('model-select')).toHaveValue('plain');
  await expect(page.getByTestId('channels-input')).toHaveValue('16');
  await expect(page.getByTestId('input-dropout-input')).toHaveValue('0.5');
  await expect(page.getByTestId('features-select')).toHaveValue('row-normalized');
  await expect(page.getByTestId('weight-decay-input')).toHaveValue('0.0005');
  await fill(page, 'epochs-input', 2);
  await fill(page, 'repeats-input', 2);
  await expect(page.getByTestId('config-problems')).toHaveCount(0);
  // The address carries the recipe's settings.
  await expect(page).toHaveURL(/inputDropout=0\.5/);

  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-status')).toContainText(/Seed 0 \(1 of 2\)/, {
    timeout: 120_000,
  });
  await expect(page.getByTestId('seed-summary')).toContainText(
    /Over 2 seeds \(0, 1\): valid \d+\.\d ± \d+\.\d %,\s*test \d+\.\d ± \d+\.\d %/,
    { timeout: 240_000 },
  );
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '2');
  expect(errors).toEqual([]);
});
