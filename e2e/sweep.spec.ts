// The depth sweep as a person runs it: res and rev over 2…128 layers. The chart's data must show
// rev's activation memory flat and res's rising; under a budget, res's deep points run out.
import { test, expect, type Page } from '@playwright/test';
import { debug, fill, openStudio } from './helpers';

interface Row {
  model: string;
  layers: number;
  status: string;
  activationBytes: number;
  peakBytes: number;
}

async function runSweep(page: Page): Promise<Row[]> {
  await page.getByTestId('sweep-start').click();
  await expect(page.getByTestId('sweep-stop')).toBeVisible();
  await expect(page.getByTestId('sweep-start')).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-points', '8');
  return (await debug<{ rows: Row[] }>(page, 'sweep')).rows;
}

const of = (rows: Row[], model: string) =>
  rows.filter((r) => r.model === model).sort((a, b) => a.layers - b.layers);

test('a depth sweep shows rev flat and res rising, and res running out under a budget', async ({
  page,
}, testInfo) => {
  const errors = await openStudio(page, 'data=citation&model=rev&channels=16&groups=2&parts=1');
  for (const m of ['res', 'res-ckpt', 'rev', 'wtrev', 'deq']) {
    const box = page.getByTestId(`sweep-model-${m}`);
    if (m === 'res' || m === 'rev') await box.check();
    else await box.uncheck();
  }
  await fill(page, 'sweep-depths', '2, 8, 32, 128');

  const free = await runSweep(page);
  const rev = of(free, 'rev');
  const res = of(free, 'res');
  expect(rev.map((r) => r.layers)).toEqual([2, 8, 32, 128]);
  expect(free.every((r) => r.status === 'ok')).toBe(true);
  const revAct = rev.map((r) => r.activationBytes);
  expect(Math.max(...revAct) / Math.min(...revAct) - 1).toBeLessThanOrEqual(0.05);
  const resAct = res.map((r) => r.activationBytes);
  for (let i = 1; i < resAct.length; i++) expect(resAct[i]).toBeGreaterThan(resAct[i - 1]);
  expect(resAct[3]).toBeGreaterThan(10 * revAct[3]);
  // What is drawn is what was measured: a line per model with every depth.
  const series = await debug<{
    series: { lines: { model: string; points: { x: number; y: number }[] }[] };
  }>(page, 'sweep');
  expect(series.series.lines.find((l) => l.model === 'rev')!.points.map((p) => p.y)).toEqual(
    revAct,
  );
  await expect(page.getByTestId('sweep-chart').locator('.recharts-line-curve')).toHaveCount(4); // 2 models + 2 guides

  // A GPU of a few MiB: more than rev ever needs, less than deep res needs.
  const budgetMiB = Math.ceil((Math.max(...rev.map((r) => r.peakBytes)) * 1.5) / 2 ** 20);
  expect(budgetMiB * 2 ** 20).toBeLessThan(res[3].peakBytes);
  await fill(page, 'budget-input', budgetMiB);
  const tight = await runSweep(page);
  expect(of(tight, 'rev').every((r) => r.status === 'ok')).toBe(true);
  const resTight = of(tight, 'res');
  expect(resTight[0].status).toBe('ok');
  expect(resTight.at(-1)!.status).toBe('oom');
  const oom = resTight.filter((r) => r.status === 'oom');
  for (const r of oom) expect(r.layers).toBeGreaterThan(resTight[0].layers);
  // Every res point past the budget is marked, and only those.
  for (const r of res) {
    const t = resTight.find((x) => x.layers === r.layers)!;
    if (r.peakBytes > budgetMiB * 2 ** 20 * 1.02) expect(t.status).toBe('oom');
  }
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-oom', String(oom.length));
  await expect(page.getByTestId('sweep-status')).toContainText(`${oom.length} out of memory`);
  await page.getByTestId('sweep-panel').screenshot({ path: testInfo.outputPath('sweep.png') });
  await page.getByRole('button', { name: 'everything' }).click();
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-metric', 'total');
  await page
    .getByTestId('sweep-panel')
    .screenshot({ path: testInfo.outputPath('sweep-total.png') });
  expect(errors).toEqual([]);
});
