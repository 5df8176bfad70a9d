'use client';
// The recharts half of charts.tsx, loaded in the browser only (React.lazy after mount): the
// server never loads recharts, so a page with charts renders as fast as one without, and the
// chart is drawn once its script arrives (the numbers are in the page's tables all along).
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ChartRow, ChartSeries } from './charts.tsx';

export interface PlotProps {
  kind: 'line' | 'bar';
  data: ChartRow[];
  series: ChartSeries[];
  height: number;
}

/** Colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart by shape as well. */
const COLOURS = ['#1f5fbf', '#b3470b', '#2d7a3e', '#7b3fa0'];

function LinePlot({ data, series, height }: PlotProps) {
  return (
    <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 640, height }}>
      <LineChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="x" />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Legend />
        {series.map((s, i) => (
          <Line
            key={s.key}
            type="monotone"
            dataKey={s.key}
            name={s.label}
            stroke={COLOURS[i % COLOURS.length]}
            strokeWidth={2}
            strokeDasharray={i % 2 ? '6 3' : undefined}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

function BarPlot({ data, series, height }: PlotProps) {
  return (
    <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 640, height }}>
      <BarChart data={data} accessibilityLayer={false} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="x" />
        <YAxis allowDecimals={false} />
        <Tooltip />
        <Legend />
        {series.map((s, i) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.label}
            fill={COLOURS[i % COLOURS.length]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

export default function Plot(props: PlotProps) {
  return props.kind === 'line' ? <LinePlot {...props} /> : <BarPlot {...props} />;
}
