// The address holds the configuration: what a person sets is what a reload shows, and the run
// history is still there. Impossible settings are explained before anything runs.
import { test, expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { debug, fill, openStudio } from './helpers';

async function download(page: Page, click: () => Promise<void>): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return (await d.path())!;
}

test('a configuration in the address survives a reload, and so does the run history', async ({
  page,
}) => {
  const errors = await openStudio(
    page,
    'data=long-range&model=wtrev&layers=3&channels=8&groups=2&epochs=1&seed=7',
  );
  await expect(page.getByTestId('model-select')).toHaveValue('wtrev');
  await expect(page.getByTestId('depth-input')).toHaveValue('3');

  // Change some settings through the page, as a person would.
  await page.getByTestId('model-select').selectOption('rev');
  await fill(page, 'depth-input', 4);
  await fill(page, 'lr-input', 0.02);
  await fill(page, 'seed-input', 11);
  await fill(page, 'budget-input', 64);
  await page.getByTestId('shard-table').getByLabel('Use shard 3').uncheck();
  await expect(page).toHaveURL(/seed=11/);
  const url = new URL(page.url());
  expect(url.searchParams.get('model')).toBe('rev');
  expect(url.searchParams.get('layers')).toBe('4');
  expect(url.searchParams.get('shards')).toBe('0,1,2');
  expect(url.searchParams.get('budget')).toBe('64');

  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 120_000,
  });
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '1');

  // Keep what was made: runs as CSV, a chart as SVG, the weights as a file.
  const csv = await download(page, () =>
    page.getByRole('button', { name: 'Export CSV', exact: true }).click(),
  );
  const csvText = await readFile(csv, 'utf8');
  expect(csvText.split('\r\n')[0]).toContain('peak_bytes');
  expect(csvText).toContain('long-range');
  const svg = await download(page, () =>
    page.getByRole('button', { name: 'Download Training loss as SVG' }).click(),
  );
  expect(await readFile(svg, 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const w = await download(page, () => page.getByTestId('weights-download').click());
  expect((await readFile(w)).subarray(0, 8).toString()).toBe('RGNNCKPT');
  // The same weights as a PyTorch package, with the run's settings and its dataset inside.
  const zip = unzipSync(
    await readFile(await download(page, () => page.getByTestId('weights-export-pytorch').click())),
  );
  const folder = 'revgnn-rev-4x8-seed11-pytorch';
  for (const f of ['model.py', 'train.py', 'predict.py', 'data.py', 'weights.safetensors'])
    expect(Object.keys(zip)).toContain(`${folder}/${f}`);
  const exported = JSON.parse(strFromU8(zip[`${folder}/config.json`]));
  expect(exported.model).toMatchObject({ model: 'rev', layers: 4, channels: 8 });
  expect(exported.train).toMatchObject({ lr: 0.02, seed: 11, shards: [0, 1, 2] });
  expect(exported.source.dataDir).toBe('data/long-range');
  expect(Object.keys(zip)).toContain(`${folder}/data/long-range/manifest.json`);
  // Weights from PyTorch come back the same way: the package's safetensors loads in the page.
  await page.getByTestId('weights-file').setInputFiles({
    name: 'weights.safetensors',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(zip[`${folder}/weights.safetensors`]),
  });
  await expect(page.getByTestId('weights-loaded')).toContainText(
    'weights.safetensors: rev 4 × 8, after epoch 1 on long-range',
  );

  await page.reload();
  await expect(page.getByTestId('adapter-line')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('dataset-select')).toHaveValue('builtin:long-range');
  await expect(page.getByTestId('model-select')).toHaveValue('rev');
  await expect(page.getByTestId('depth-input')).toHaveValue('4');
  await expect(page.getByTestId('channels-input')).toHaveValue('8');
  await expect(page.getByTestId('epochs-input')).toHaveValue('1');
  await expect(page.getByTestId('lr-input')).toHaveValue('0.02');
  await expect(page.getByTestId('seed-input')).toHaveValue('11');
  await expect(page.getByTestId('budget-input')).toHaveValue('64');
  await expect(page.getByTestId('shard-table').getByLabel('Use shard 3')).not.toBeChecked();
  await expect(page.getByTestId('shard-table').getByLabel('Use shard 0')).toBeChecked();
  const table = page.getByTestId('history-table');
  await expect(table).toHaveAttribute('data-rows', '1');
  await expect(table.locator('tbody tr').first()).toContainText('rev');
  await expect(table.locator('tbody tr').first()).toContainText('long-range');

  // Overlaying the kept run draws it beside the (empty) current one.
  await table.locator('tbody tr').first().getByRole('checkbox').check();
  const legend = page.getByTestId('loss-chart').locator('.chart-legend-item');
  await expect(legend).toHaveCount(1);
  await expect(legend).toContainText('rev GCN · 4 × 8');
  await expect(page.getByTestId('loss-chart').locator('.recharts-line-dots circle')).toHaveCount(1);

  // The weights load back and training continues from them: epoch 2 follows epoch 1.
  await page.getByTestId('weights-file').setInputFiles(w);
  await expect(page.getByTestId('weights-loaded')).toContainText('after epoch 1');
  await fill(page, 'epochs-input', 2);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'done', {
    timeout: 120_000,
  });
  const points = (await debug<{ loss: { x: number }[] }>(page, 'charts')).loss.map((p) => p.x);
  expect(points).toEqual([1, 2]);
  await expect(page.getByTestId('history-table')).toHaveAttribute('data-rows', '2');

  // The teaching view: the same set-up without the controls.
  await page.goto(page.url() + '&embed=1');
  await expect(page.getByTestId('embed-summary')).toContainText('rev GCN · 4 × 8');
  await expect(page.getByTestId('config-panel')).toHaveCount(0);
  await expect(page.getByTestId('run-history')).toHaveCount(0);
  await expect(page.getByTestId('train-start')).toBeVisible();
  expect(errors).toEqual([]);
});

test('impossible settings are explained beside their control before anything runs', async ({
  page,
}) => {
  const errors = await openStudio(page, 'model=rev&channels=30&groups=4');
  const problems = page.getByTestId('config-problems');
  await expect(problems).toContainText('do not split into 4 equal groups');
  await expect(page.getByTestId('train-start')).toBeDisabled();
  await expect(page.getByTestId('groups-input')).toHaveAttribute('aria-invalid', 'true');
  await fill(page, 'groups-input', 1);
  await expect(problems).toContainText('at least 2 groups');
  await fill(page, 'groups-input', 2);
  await expect(problems).toHaveCount(0);
  await expect(page.getByTestId('train-start')).toBeEnabled();
  await page.goto('/?layers=deep&model=transformer');
  await expect(page.getByTestId('url-notes')).toContainText('layers=deep');
  expect(errors).toEqual([]);
});
