// The live picture of the block follows the measured step: scrubbing (or hovering) the timeline
// moves the diagram to that moment's layer, pass and group step, with what is alive in memory.
import { test, expect, type Page } from '@playwright/test';
import { debug, openStudio } from './helpers';

interface Series {
  model: string;
  points: { x: number; bytes: number; phase: string }[];
}

/** The point the page shows at position x: the last one that began at or before it. */
const at = (s: Series, x: number) => s.points.findLast((p) => p.x <= x) ?? s.points[0];

/** A scrub value (0..1000) that lands on the first point labelled `phase`. */
function scrubTo(s: Series, phase: string): number {
  const i = s.points.findIndex(
    (p, k) =>
      p.phase === phase &&
      Math.ceil(p.x * 1000) / 1000 < (s.points[k + 1]?.x ?? 2) &&
      Math.ceil(p.x * 1000) <= 1000,
  );
  expect(i, `a point labelled "${phase}" wide enough to land on`).toBeGreaterThanOrEqual(0);
  return Math.ceil(s.points[i].x * 1000);
}

async function scrub(page: Page, value: number): Promise<void> {
  // What dragging the slider does: the input's value changes and an input event fires.
  await page.getByTestId('timeline-scrub').evaluate((el, v) => {
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    set.call(el, String(v));
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

const FINE = /^(forward|backward) (\d+)(?: · (exchange|f(\d+)|inverse (\d+)|grad (\d+)))?$/;

async function expectDiagram(page: Page, kind: 'rev' | 'res', label: string) {
  const d = page.getByTestId(`${kind}-diagram`);
  const m = FINE.exec(label);
  if (!m) {
    await expect(d).toHaveAttribute('data-layer', '');
    return;
  }
  await expect(d).toHaveAttribute('data-phase', m[1]);
  await expect(d).toHaveAttribute('data-layer', m[2]);
  if (kind === 'res') return;
  const action =
    m[3] === 'exchange' ? 'exchange' : m[4] ? 'f' : m[5] ? 'inverse' : m[6] ? 'grad' : '';
  await expect(d).toHaveAttribute('data-action', action);
  await expect(d).toHaveAttribute('data-group', m[4] ?? m[5] ?? m[6] ?? '');
}

test('the block diagram follows a scrub of the measured step', async ({ page }, testInfo) => {
  const errors = await openStudio(
    page,
    'data=citation&model=rev&layers=3&channels=8&groups=2&parts=1',
  );
  // Before any measurement the block plays as a schematic.
  await expect(page.getByTestId('diagram-schematic')).toBeVisible();
  await page.getByTestId('capture-step').click();
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-series', '1', {
    timeout: 60_000,
  });
  await page.getByTestId('model-select').selectOption('res');
  await page.getByTestId('capture-step').click();
  await expect(page.getByTestId('timeline-chart')).toHaveAttribute('data-series', '2', {
    timeout: 60_000,
  });
  const [rev, res] = await debug<Series[]>(page, 'timelines');
  expect(rev.model).toBe('rev');
  expect(res.model).toBe('res');

  const script = [
    'forward 2 · f1',
    'forward 3 · exchange',
    'backward 3 · inverse 1',
    'backward 2 · grad 1',
    'backward 2 · inverse 0',
    'backward 1 · grad 0',
  ];
  for (const label of script) {
    const v = scrubTo(rev, label);
    await scrub(page, v);
    await expectDiagram(page, 'rev', label);
    await expectDiagram(page, 'res', at(res, v / 1000).phase);
    await expect(page.getByTestId('diagram-readout-rev')).toContainText(
      `${Math.round(at(rev, v / 1000).x * 100)} % of the step`,
    );
  }

  // What is alive: mid-inverse, group 1 is being rebuilt from y₁, x₀ is not in memory yet.
  await scrub(page, scrubTo(rev, 'backward 3 · inverse 1'));
  const diagram = page.getByTestId('rev-diagram');
  await expect(diagram.locator('[data-tensor="x₁"]')).toHaveAttribute('data-slot', 'active');
  await expect(diagram.locator('[data-tensor="x₀"]')).toHaveAttribute('data-slot', 'absent');
  await expect(diagram.locator('[data-tensor="y₀"]')).toHaveAttribute('data-slot', 'alive');
  await expect(diagram.locator('[data-f="f₁"]')).toHaveAttribute('data-mode', 'inverse');
  await page.getByTestId('block-view').screenshot({ path: testInfo.outputPath('inverse.png') });
  // Forward, layer 2: rev keeps one layer, res keeps both it has done.
  await scrub(page, scrubTo(rev, 'forward 2 · f1'));
  await expect(diagram.getByTestId('layer-strip')).toHaveAttribute('data-kept', '1');
  await expect(diagram.locator('[data-tensor="y₁"]')).toHaveAttribute('data-slot', 'active');
  await expect(diagram.locator('[data-f="f₁"]')).toHaveAttribute('data-mode', 'forward');
  const resNow = at(res, scrubTo(rev, 'forward 2 · f1') / 1000).phase;
  if (resNow.startsWith('forward '))
    await expect(page.getByTestId('res-diagram').getByTestId('layer-strip')).toHaveAttribute(
      'data-kept',
      resNow.split(' ')[1],
    );

  // Hovering the chart points at a moment too.
  const grid = (await page
    .getByTestId('timeline-chart')
    .locator('.recharts-cartesian-grid')
    .boundingBox())!;
  await page.mouse.move(grid.x + grid.width * 0.8, grid.y + grid.height / 2);
  const hovered = Number(await page.getByTestId('timeline-scrub').inputValue()) / 1000;
  expect(hovered).toBeGreaterThan(0.75);
  expect(hovered).toBeLessThan(0.85);
  await expectDiagram(page, 'rev', at(rev, hovered).phase);

  // Play walks through the step.
  await scrub(page, 0);
  await page.getByTestId('diagram-play').click();
  await expect
    .poll(async () => Number(await page.getByTestId('timeline-scrub').inputValue()))
    .toBeGreaterThan(0);
  await page.getByTestId('diagram-play').click();

  await scrub(page, scrubTo(rev, 'backward 2 · inverse 1'));
  await page.getByTestId('block-view').scrollIntoViewIfNeeded();
  await page.getByTestId('block-view').screenshot({ path: testInfo.outputPath('diagram.png') });
  expect(errors).toEqual([]);
});
