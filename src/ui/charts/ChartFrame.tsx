// A chart's frame: its title, its legend (outside the plot), downloads as SVG and PNG of the
// whole chart, and data attributes that tell tests (and screen readers, through the summary)
// what is drawn.
import { useRef, useState, type ReactNode } from 'react';
import { chartSvg, exportScale, svgToPng } from '../export/chart-image';
import { download, fileName } from '../export/download';
import { ChartLegend } from './ChartLegend';
import type { LegendItem } from './legend';

interface Props {
  title: string;
  testId: string;
  /** Points of the main series, exposed as data-points. */
  points: number;
  /** One sentence saying what the chart shows now (for screen readers and the empty state). */
  summary: string;
  height?: number;
  actions?: ReactNode;
  /** What each line is; drawn above the plot, and into exported pictures. */
  legend?: readonly LegendItem[];
  /** A short line under the title, e.g. which statistic the chart shows. */
  note?: ReactNode;
  /** The pointer over the plot, as a fraction of the plot area's width (0 left … 1 right). */
  onHoverX?(fraction: number): void;
  children: ReactNode;
  extraData?: Record<string, string | number>;
}

export function ChartFrame({
  title,
  testId,
  points,
  summary,
  height = 210,
  actions,
  legend = [],
  note,
  onHoverX,
  children,
  extraData,
}: Props) {
  const body = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const data: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(extraData ?? {})) data[`data-${k}`] = v;

  const save = async (kind: 'svg' | 'png') => {
    setProblem(null);
    const picture = body.current ? chartSvg(body.current, title, legend) : null;
    if (!picture) {
      setProblem('Nothing is drawn yet.');
      return;
    }
    try {
      const name = fileName('revgnn', title);
      if (kind === 'svg') download(`${name}.svg`, picture.svg, 'image/svg+xml');
      else download(`${name}.png`, await svgToPng(picture, exportScale()), 'image/png');
    } catch (e) {
      setProblem(`Could not make the picture: ${e instanceof Error ? e.message : e}`);
    }
  };

  return (
    <figure className="chart" data-testid={testId} data-points={points} {...data}>
      <figcaption>
        <h3>{title}</h3>
        <span className="chart-actions">
          {actions}
          <button
            type="button"
            className="small"
            onClick={() => void save('svg')}
            aria-label={`Download ${title} as SVG`}
          >
            SVG
          </button>
          <button
            type="button"
            className="small"
            onClick={() => void save('png')}
            aria-label={`Download ${title} as PNG`}
          >
            PNG
          </button>
        </span>
      </figcaption>
      {note && <p className="chart-note">{note}</p>}
      <ChartLegend items={legend} />
      <div
        ref={body}
        className="chart-body"
        style={{ height }}
        role="img"
        aria-label={`${title}: ${summary}`}
        onMouseMove={
          onHoverX &&
          ((e) => {
            // The grid spans exactly the plot area (the axes sit outside it).
            const grid = body.current?.querySelector('.recharts-cartesian-grid');
            const r = (grid ?? body.current)?.getBoundingClientRect();
            if (r && r.width > 0)
              onHoverX(Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)));
          })
        }
      >
        {children}
      </div>
      {points === 0 && <p className="chart-empty">{summary}</p>}
      {problem && <p className="field-problem">{problem}</p>}
    </figure>
  );
}
