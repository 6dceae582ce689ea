// What a chart's legend lists. The page draws it as HTML outside the plot (it never covers a
// line), and the picture export draws the same items as SVG.
export interface LegendItem {
  name: string;
  color: string;
  /** SVG dash pattern of the line; none: solid. */
  dash?: string;
  /** How the item is marked: a line (default), a cross (out of memory), a hollow ring. */
  marker?: 'line' | 'cross' | 'ring';
}

/** Legend items of lines, one per distinct name (the first wins). */
export function uniqueItems(items: readonly LegendItem[]): LegendItem[] {
  const seen = new Set<string>();
  return items.filter((i) => (seen.has(i.name) ? false : (seen.add(i.name), true)));
}
