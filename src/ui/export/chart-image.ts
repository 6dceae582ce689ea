// A chart as a picture for slides: its title, its legend and the plot with its axes, as one SVG
// (recharts draws the plot as SVG; the legend is HTML on the page, so it is drawn again here from
// the same items), and a PNG of that SVG at least twice the size it has on screen.
import type { LegendItem } from '../charts/legend';

const SVG_NS = 'http://www.w3.org/2000/svg';
const PAD = 14;
const TITLE_SIZE = 17;
const LEGEND_SIZE = 13;
const LEGEND_ROW = 20;
const SWATCH = 26;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export interface ChartPicture {
  svg: string;
  width: number;
  height: number;
}

/** The plot: recharts' surface (its legend icons are svgs too, so take the largest). */
function plotOf(container: HTMLElement): SVGSVGElement | null {
  let best: SVGSVGElement | null = null;
  let area = 0;
  for (const svg of container.querySelectorAll('svg')) {
    const r = svg.getBoundingClientRect();
    if (r.width * r.height > area) {
      area = r.width * r.height;
      best = svg;
    }
  }
  return best;
}

function el(name: string, attrs: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

function textWidth(text: string, size: number, weight = 'normal'): number {
  const g = document.createElement('canvas').getContext('2d');
  if (!g) return text.length * size * 0.6;
  g.font = `${weight} ${size}px ${FONT}`;
  return g.measureText(text).width;
}

function legendSwatch(item: LegendItem, x: number, y: number): SVGElement {
  const g = el('g', { transform: `translate(${x} ${y - 6})` });
  if (item.marker === 'cross') {
    const c = el('g', { stroke: item.color, 'stroke-width': 2 });
    c.append(
      el('line', { x1: 9, y1: 2, x2: 17, y2: 10 }),
      el('line', { x1: 9, y1: 10, x2: 17, y2: 2 }),
    );
    g.append(c);
  } else if (item.marker === 'ring') {
    g.append(
      el('circle', { cx: 13, cy: 6, r: 4, fill: '#fff', stroke: item.color, 'stroke-width': 2 }),
    );
  } else {
    const line = el('line', {
      x1: 1,
      y1: 6,
      x2: SWATCH - 1,
      y2: 6,
      stroke: item.color,
      'stroke-width': 2.5,
    });
    if (item.dash) line.setAttribute('stroke-dasharray', item.dash);
    g.append(line);
  }
  return g;
}

/** Lays the legend out in rows that fit `width`; returns the group and its height. */
function legendGroup(
  items: readonly LegendItem[],
  width: number,
  top: number,
): [SVGElement, number] {
  const g = el('g', { 'font-size': LEGEND_SIZE, fill: '#1d2330' });
  let x = PAD;
  let y = top + LEGEND_ROW / 2;
  let rows = items.length ? 1 : 0;
  for (const item of items) {
    const w = SWATCH + 6 + textWidth(item.name, LEGEND_SIZE) + 18;
    if (x > PAD && x + w > width - PAD) {
      x = PAD;
      y += LEGEND_ROW;
      rows++;
    }
    g.append(legendSwatch(item, x, y));
    const t = el('text', { x: x + SWATCH + 6, y: y + 4.5 });
    t.textContent = item.name;
    g.append(t);
    x += w;
  }
  return [g, rows * LEGEND_ROW];
}

export function chartSvg(
  container: HTMLElement,
  title: string,
  legend: readonly LegendItem[] = [],
): ChartPicture | null {
  const plot = plotOf(container);
  if (!plot) return null;
  const box = plot.getBoundingClientRect();
  const pw = Math.round(box.width);
  const ph = Math.round(box.height);
  const width = Math.max(pw + 2 * PAD, Math.ceil(textWidth(title, TITLE_SIZE, 'bold')) + 2 * PAD);

  const root = el('svg', { xmlns: SVG_NS, 'font-family': FONT }) as SVGSVGElement;
  root.append(el('rect', { width: '100%', height: '100%', fill: '#ffffff' }));
  const name = el('title', {});
  name.textContent = title;
  root.append(name);
  const heading = el('text', {
    x: PAD,
    y: PAD + TITLE_SIZE - 3,
    'font-size': TITLE_SIZE,
    'font-weight': 'bold',
    fill: '#1d2330',
  });
  heading.textContent = title;
  root.append(heading);
  const [legendG, legendH] = legendGroup(legend, width, PAD + TITLE_SIZE + 8);
  root.append(legendG);

  const top = PAD + TITLE_SIZE + 8 + legendH + (legendH ? 6 : 0);
  const copy = plot.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('x', String(PAD));
  copy.setAttribute('y', String(top));
  copy.setAttribute('width', String(pw));
  copy.setAttribute('height', String(ph));
  copy.setAttribute('viewBox', `0 0 ${pw} ${ph}`);
  // Axis text takes its size from the page's style sheet, which does not travel with the file.
  copy.setAttribute('font-size', getComputedStyle(plot).fontSize || '12px');
  root.append(copy);

  const height = top + ph + PAD;
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  return { svg: new XMLSerializer().serializeToString(root), width, height };
}

/** A PNG of the picture at `scale` times its size (at least 2: fit for slides). */
export async function svgToPng(picture: ChartPicture, scale = 2): Promise<Blob> {
  const img = new Image();
  const url = URL.createObjectURL(new Blob([picture.svg], { type: 'image/svg+xml' }));
  try {
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(picture.width * scale));
    canvas.height = Math.max(1, Math.round(picture.height * scale));
    const g = canvas.getContext('2d');
    if (!g) throw new Error('This browser gave no 2-D canvas to draw the PNG.');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob(
        (b) => (b ? resolve(b) : reject(new Error('PNG encoding failed.'))),
        'image/png',
      ),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Twice the on-screen size, more on a high-density screen. */
export function exportScale(): number {
  return Math.max(2, Math.ceil(window.devicePixelRatio || 1));
}
