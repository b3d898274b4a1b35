import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { Formatters } from '../EntityPagesCommon';
import { UsageChartRow, UsageSeriesKey } from './usageChartData';

const PALETTE = ['#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

/** Prompt tokens in a model's colour, completion tokens in a lighter tint. */
function colourOf(keys: UsageSeriesKey[], key: UsageSeriesKey): string {
  const models = [...new Set(keys.map(k => k.model))];
  const base = PALETTE[models.indexOf(key.model) % PALETTE.length];
  return key.direction === 'prompt' ? base : `${base}88`;
}

/** The daily (or hourly) stacked bars: prompt and completion per model. */
export function TokenUsageChart(props: {
  rows: UsageChartRow[];
  keys: UsageSeriesKey[];
  format: Formatters;
  labels: { prompt: string; completion: string };
}) {
  const { rows, keys, format, labels } = props;
  const nameOf = (key: UsageSeriesKey) =>
    `${key.model} · ${labels[key.direction]}`;
  return (
    <ResponsiveContainer width="100%" height={280}>
      <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="label" />
        <YAxis tickFormatter={(value: number) => format.number(value)} />
        <Tooltip formatter={(value: any) => format.number(Number(value))} />
        <Legend />
        {keys.map(key => (
          <Bar
            key={key.key}
            dataKey={key.key}
            name={nameOf(key)}
            stackId="tokens"
            fill={colourOf(keys, key)}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
