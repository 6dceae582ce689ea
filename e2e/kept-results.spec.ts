// What a sweep and a measured step leave behind: they survive a reload, the sweep exports as CSV
// and JSON, the depth slider then predicts memory at any depth from the measured slope (marked
// as a prediction), and the classroom view shows the two key charts side by side.
import { test, expect } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { debug, downloaded, fill, openStudio } from './helpers';

interface Row {
  model: string;
  layers: number;
  status: string;
  peakBytes: number;
}

test('a sweep and a step timeline survive a reload, export, predict and project', async ({
  page,
}, testInfo) => {
  const errors = await openStudio(
    page,
    'data=citation&model=rev&layers=2&channels=8&groups=2&parts=1&sweep=res,rev&depths=2,4',
  );
  await page.getByTestId('capture-step').click();
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-series', '1', {
    timeout: 60_000,
  });
  await page.getByTestId('sweep-start').click();
  const table = page.getByTestId('sweep-table');
  await expect(table).toHaveAttribute('data-rows', '4', { timeout: 180_000 });
  await expect(page.getByTestId('sweep-start')).toBeEnabled({ timeout: 60_000 });
  const rows = (await debug<{ rows: Row[] }>(page, 'sweep')).rows;
  const timeline = (await debug<{ points: unknown[] }[]>(page, 'timelines'))[0];

  // The two guides: distinct in style, each named on its line.
  const guides = page.getByTestId('sweep-chart').locator('.guide-label');
  await expect(guides).toHaveText(['∝ L·N·D', '∝ N·D']);
  const styles = await page
    .getByTestId('sweep-chart')
    .locator('.recharts-line-curve')
    .evaluateAll((ls) =>
      ls.map((l) => `${l.getAttribute('stroke')} ${l.getAttribute('stroke-dasharray')}`),
    );
  expect(new Set(styles.slice(-2)).size).toBe(2);

  await page.reload();
  await expect(page.getByTestId('adapter-line')).toBeVisible({ timeout: 60_000 });
  await expect(table).toHaveAttribute('data-rows', '4');
  expect((await debug<{ rows: Row[] }>(page, 'sweep')).rows).toEqual(rows);
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', '4');
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-series', '1');
  expect((await debug<{ points: unknown[] }[]>(page, 'timelines'))[0].points).toEqual(
    timeline.points,
  );
  await expect(page.getByTestId('diagram-rev')).toBeVisible();

  const csv = await readFile(
    await downloaded(page, () => page.getByRole('button', { name: 'Export sweep CSV' }).click()),
    'utf8',
  );
  const lines = csv.trimEnd().split('\r\n');
  expect(lines).toHaveLength(5);
  expect(lines[0]).toContain('peak_activations_bytes');
  expect(lines[1]).toMatch(/^res,2,ok,/);
  const json = JSON.parse(
    await readFile(
      await downloaded(page, () => page.getByRole('button', { name: 'Export sweep JSON' }).click()),
      'utf8',
    ),
  );
  expect(json.format).toBe('revgnn-sweep');
  expect(json.spec.base.channels).toBe(8);
  expect(json.rows).toHaveLength(4);

  // Dragging the depth slider asks the measured slope for a prediction, before anything runs.
  const slider = page.getByTestId('depth-slider');
  const track = (await slider.boundingBox())!;
  const y = track.y + track.height / 2;
  await page.mouse.move(track.x + 8, y);
  await page.mouse.down();
  await page.mouse.move(track.x + track.width * 0.45, y, { steps: 8 }); // about 2^5 layers
  await page.mouse.move(track.x + track.width * 0.55, y, { steps: 8 }); // about 2^6 layers
  await page.mouse.up();
  const depth = Number(await page.getByTestId('depth-input').inputValue());
  expect(depth).toBeGreaterThanOrEqual(32);
  const note = page.getByTestId('depth-prediction');
  await expect(note).toContainText('Predicted');
  await expect(note).toContainText(`${depth} layers`);
  await expect(note).toContainText('not measured');
  const preds = (
    await debug<{ predictions: { model: string; layers: number; bytes: number }[] }>(page, 'sweep')
  ).predictions;
  expect(preds.map((p) => p.model)).toEqual(['res', 'rev']);
  const res = rows.filter((r) => r.model === 'res');
  // res grows past its deepest measurement; rev's activations stay where they were measured.
  expect(preds[0].bytes).toBeGreaterThan(res.at(-1)!.peakBytes);
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-predicted', '2');
  await expect(page.getByTestId('sweep-chart').locator('.prediction-mark')).toHaveCount(2);
  await page.getByTestId('sweep-panel').screenshot({ path: testInfo.outputPath('prediction.png') });
  // Other channels: the old sweep says nothing about them, and the page says so.
  await fill(page, 'channels-input', 16);
  await expect(note).toContainText('measured with other channels');
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-predicted', '0');

  // The classroom view: the two key charts side by side, large, no controls.
  await page.getByTestId('classroom-link').click();
  await expect(page.getByTestId('classroom')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('config-panel')).toHaveCount(0);
  await expect(page.getByTestId('train-start')).toHaveCount(0);
  await expect(page.getByTestId('sweep-start')).toHaveCount(0);
  const sweepBox = (await page.getByTestId('sweep-chart').boundingBox())!;
  const stepBox = (await page.getByTestId('timeline-chart').boundingBox())!;
  expect(Math.abs(sweepBox.y - stepBox.y)).toBeLessThan(4);
  expect(stepBox.x).toBeGreaterThan(sweepBox.x + sweepBox.width - 4);
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', '4');
  const size = await page
    .getByTestId('sweep-chart')
    .locator('h3')
    .evaluate((h) => parseFloat(getComputedStyle(h).fontSize));
  expect(size).toBeGreaterThanOrEqual(24);
  const ticks = await page
    .getByTestId('sweep-chart')
    .locator('.recharts-cartesian-axis-tick-value')
    .first()
    .evaluate((t) => parseFloat(getComputedStyle(t).fontSize));
  expect(ticks).toBeGreaterThanOrEqual(16);
  await page.screenshot({ path: testInfo.outputPath('classroom.png') });
  expect(errors).toEqual([]);
});
