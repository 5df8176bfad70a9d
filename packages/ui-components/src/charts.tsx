'use client';
// Charts of the analytics pages (recharts): a chart is a picture with a name (role img and a
// label) and never the only place its numbers are: every page shows them in a table too. The
// frame is rendered with the page; the plot inside (chart-plots.tsx, all of recharts) is loaded
// in the browser only, so the server never pays for recharts and the first visit of a page with
// charts is as fast as any other.
import { lazy, Suspense, useEffect, useState } from 'react';
import type { PlotProps } from './chart-plots.tsx';

export interface ChartSeries {
  /** The data field plotted. */
  key: string;
  /** Its name in the legend, in the page's language. */
  label: string;
}

/** One row per x value; `x` is shown on the axis as given (already formatted). */
export type ChartRow = { x: string } & Record<string, number | string>;

interface ChartProps {
  /** What the chart shows, read out by screen readers (role img). */
  label: string;
  data: ChartRow[];
  series: ChartSeries[];
  height?: number;
}

const LazyPlot = lazy(() => import('./chart-plots.tsx'));

/** The plot, once the page runs in a browser: never rendered (so recharts never loaded) on the server. */
function Plot(props: PlotProps) {
  const [inBrowser, setInBrowser] = useState(false);
  useEffect(() => setInBrowser(true), []);
  return inBrowser ? (
    <Suspense fallback={null}>
      <LazyPlot {...props} />
    </Suspense>
  ) : null;
}

export function LineChartCard({ label, data, series, height = 260 }: ChartProps) {
  return (
    <div className="ui-chart" role="img" aria-label={label} style={{ height }}>
      <Plot kind="line" data={data} series={series} height={height} />
    </div>
  );
}

export function BarChartCard({ label, data, series, height = 260 }: ChartProps) {
  return (
    <div className="ui-chart" role="img" aria-label={label} style={{ height }}>
      <Plot kind="bar" data={data} series={series} height={height} />
    </div>
  );
}
