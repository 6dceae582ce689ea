// Charts as a teacher uses them: a chart with data exports whole (title, axes, legend) at twice
// its size or more; overlaid runs each keep their colour (from a colour-blind-safe palette) and
// their three splits, the legend stays off the plot, and the current run is drawn once.
import { test, expect, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { debug, downloaded, openStudio, pictureFacts } from './helpers';

const OKABE_ITO = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

async function exportPng(page: Page, title: string) {
  const path = await downloaded(page, () =>
    page.getByRole('button', { name: `Download ${title} as PNG` }).click(),
  );
  return pictureFacts(page, await readFile(path), 'image/png');
}

test('a chart with data exports as the whole chart, at twice its size or more', async ({
  page,
}, testInfo) => {
  const errors = await openStudio(page, 'data=citation&model=rev&layers=3&channels=8&groups=2');
  await page.getByTestId('capture-step').click();
  const chart = page.getByTestId('timeline-chart');
  await expect(chart).toHaveAttribute('data-series', '1', { timeout: 60_000 });
  const onScreen = (await chart.locator('.chart-body').boundingBox())!;

  const png = await exportPng(page, 'Memory through one step');
  expect(png.width).toBeGreaterThanOrEqual(600);
  expect(png.height).toBeGreaterThanOrEqual(300);
  expect(png.width).toBeGreaterThanOrEqual(2 * onScreen.width);
  expect(png.height).toBeGreaterThanOrEqual(2 * onScreen.height);
  // A drawn chart: lines, text and shaded phases, not a blank page or a legend dot.
  expect(png.ink).toBeGreaterThan(0.03);
  expect(png.colors).toBeGreaterThan(12);

  const svg = await readFile(
    await downloaded(page, () =>
      page.getByRole('button', { name: 'Download Memory through one step as SVG' }).click(),
    ),
    'utf8',
  );
  expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toContain('>Memory through one step</text>'); // the title
  expect(svg).toContain('bytes in use'); // an axis label
  expect(svg).toContain('rev · 3 layers (peak'); // the legend
  expect(svg).toContain('recharts-line-curve'); // the plot itself
  await testInfo.attach('exported.svg', { body: svg, contentType: 'image/svg+xml' });
  expect(errors).toEqual([]);
});

test('overlaid runs: own colour, three splits each, legend off the plot, current run once', async ({
  page,
}) => {
  const errors = await openStudio(
    page,
    'data=citation&model=res&layers=2&channels=8&groups=2&epochs=2&parts=1',
  );
  const start = async () => {
    await page.getByTestId('train-start').click();
    await expect(page.getByTestId('run-progress')).toHaveAttribute('data-state', 'done', {
      timeout: 120_000,
    });
  };
  await start();
  await page.getByTestId('model-select').selectOption('rev');
  await start();
  const table = page.getByTestId('history-table');
  await expect(table).toHaveAttribute('data-rows', '2');
  // Tick both kept runs — one of them is the run on screen.
  for (const box of await table.locator('tbody input[type=checkbox]').all()) await box.check();

  const loss = page.getByTestId('loss-chart');
  await expect(loss.locator('.recharts-line-curve')).toHaveCount(2);
  await expect(loss.locator('.chart-legend-item')).toHaveCount(2);
  const runs = await debug<{ runs: { color: string; current: boolean }[] }>(page, 'charts');
  expect(runs.runs.filter((r) => r.current)).toHaveLength(1);
  const colors = runs.runs.map((r) => r.color);
  expect(new Set(colors).size).toBe(2);
  for (const c of colors) expect(OKABE_ITO).toContain(c);

  // Train / valid / test of both runs: six lines, the split told by its dash pattern.
  const metric = page.getByTestId('metric-chart');
  await expect(metric.locator('.recharts-line-curve')).toHaveCount(6);
  const lines = (
    await debug<{ metricLines: { id: string; color: string; dash: string | null }[] }>(
      page,
      'charts',
    )
  ).metricLines;
  for (const split of ['train', 'valid', 'test']) {
    const of = lines.filter((l) => l.id.endsWith(`-${split}`));
    expect(of).toHaveLength(2);
    expect(new Set(of.map((l) => l.color)).size).toBe(2);
  }
  expect(new Set(lines.map((l) => l.dash)).size).toBe(3);
  await expect(metric.locator('.chart-legend-item')).toContainText([
    'this run: rev GCN · 2 × 8',
    'res GCN · 2 × 8',
    'train',
    'valid',
    'test',
  ]);

  // The legend sits outside the plot area.
  for (const id of ['loss-chart', 'metric-chart', 'timeline-chart']) {
    const legend = (await page.getByTestId(id).getByTestId('chart-legend').boundingBox())!;
    const plot = (await page.getByTestId(id).locator('.recharts-cartesian-grid').boundingBox())!;
    expect(legend.y + legend.height, `${id}: legend above the plot`).toBeLessThanOrEqual(plot.y);
  }

  const png = await exportPng(page, 'Training loss');
  expect(png.width).toBeGreaterThanOrEqual(600);
  expect(png.height).toBeGreaterThanOrEqual(300);
  expect(png.ink).toBeGreaterThan(0.02);
  expect(errors).toEqual([]);
});
