// A chart's frame: its title, a caption, downloads as SVG and PNG, and data attributes that tell
// tests (and screen readers, through the summary) what is drawn.
import { useRef, useState, type ReactNode } from 'react';
import { chartSvg, svgToPng } from '../export/chart-image';
import { download, fileName } from '../export/download';

interface Props {
  title: string;
  testId: string;
  /** Points of the main series, exposed as data-points. */
  points: number;
  /** One sentence saying what the chart shows now (for screen readers and the empty state). */
  summary: string;
  height?: number;
  actions?: ReactNode;
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
  children,
  extraData,
}: Props) {
  const body = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const data: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(extraData ?? {})) data[`data-${k}`] = v;

  const save = async (kind: 'svg' | 'png') => {
    setProblem(null);
    const svg = body.current ? chartSvg(body.current, title) : null;
    if (!svg) {
      setProblem('Nothing is drawn yet.');
      return;
    }
    try {
      if (kind === 'svg') download(fileName('revgnn', title) + '.svg', svg, 'image/svg+xml');
      else download(fileName('revgnn', title) + '.png', await svgToPng(svg), 'image/png');
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
      <div
        ref={body}
        className="chart-body"
        style={{ height }}
        role="img"
        aria-label={`${title}: ${summary}`}
      >
        {children}
      </div>
      {points === 0 && <p className="chart-empty">{summary}</p>}
      {problem && <p className="field-problem">{problem}</p>}
    </figure>
  );
}
