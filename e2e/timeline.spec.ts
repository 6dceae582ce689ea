// Memory through one training step, measured on a fresh device: a residual network climbs through
// the forward pass and falls through the backward; a reversible one stays flat.
import { test, expect, type Page } from '@playwright/test';
import { debug, fill, openStudio } from './helpers';

interface Timeline {
  label: string;
  model: string;
  points: { x: number; bytes: number }[];
  segments: { phase: string; from: number; to: number }[];
}

async function capture(page: Page, model: string, count: number): Promise<Timeline> {
  await page.getByTestId('model-select').selectOption(model);
  await page.getByTestId('capture-step').click();
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-series', String(count), {
    timeout: 60_000,
  });
  return (await debug<Timeline[]>(page, 'timelines')).at(-1)!;
}

function during(t: Timeline, phase: string): number[] {
  const seg = t.segments.filter((s) => s.phase === phase);
  expect(seg.length, `${t.label} has a ${phase} phase`).toBeGreaterThan(0);
  const from = seg[0].from;
  const to = seg.at(-1)!.to;
  return t.points.filter((p) => p.x >= from && p.x < to).map((p) => p.bytes);
}

test('one step: res climbs through the forward and falls through the backward, rev stays flat', async ({
  page,
}, testInfo) => {
  const errors = await openStudio(page, 'data=citation&layers=32&channels=16&groups=2&parts=1');
  await fill(page, 'depth-input', 32);
  const layerBytes = 2400 * 16 * 4; // one N × D activation of the whole citation graph

  const res = await capture(page, 'res', 1);
  const fwd = during(res, 'forward');
  const bwd = during(res, 'backward');
  expect(fwd.at(-1)! - fwd[0]).toBeGreaterThan(16 * layerBytes);
  expect(bwd[0] - bwd.at(-1)!).toBeGreaterThan(16 * layerBytes);

  const rev = await capture(page, 'rev', 2);
  // A block's few working tensors come and go; nothing accumulates layer after layer.
  const revFwd = during(rev, 'forward');
  expect(Math.abs(revFwd.at(-1)! - revFwd[0])).toBeLessThan(2 * layerBytes);
  const body = [...revFwd, ...during(rev, 'backward')];
  expect(Math.max(...body) - Math.min(...body)).toBeLessThan((fwd.at(-1)! - fwd[0]) / 8);

  await expect(page.getByTestId('timeline-chart').locator('.recharts-line-curve')).toHaveCount(2);
  await page
    .getByTestId('timeline-panel')
    .screenshot({ path: testInfo.outputPath('timeline.png') });
  expect(errors).toEqual([]);
});
