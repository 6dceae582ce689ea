// A chart's legend as a list above the plot: a short sample of each line (its colour and dash
// pattern, so colour is never the only cue) and its name.
import type { LegendItem } from './legend';

export function LegendSwatch({ item }: { item: LegendItem }) {
  return (
    <svg width="26" height="12" aria-hidden="true" className="legend-swatch">
      {item.marker === 'cross' ? (
        <g stroke={item.color} strokeWidth={2}>
          <line x1={9} y1={2} x2={17} y2={10} />
          <line x1={9} y1={10} x2={17} y2={2} />
        </g>
      ) : item.marker === 'ring' ? (
        <circle cx={13} cy={6} r={4} fill="#fff" stroke={item.color} strokeWidth={2} />
      ) : (
        <line
          x1={1}
          y1={6}
          x2={25}
          y2={6}
          stroke={item.color}
          strokeWidth={2.5}
          strokeDasharray={item.dash}
        />
      )}
    </svg>
  );
}

export function ChartLegend({ items }: { items: readonly LegendItem[] }) {
  if (!items.length) return null;
  return (
    <ul className="chart-legend" data-testid="chart-legend">
      {items.map((item) => (
        <li key={item.name} className="chart-legend-item">
          <LegendSwatch item={item} />
          <span>{item.name}</span>
        </li>
      ))}
    </ul>
  );
}
