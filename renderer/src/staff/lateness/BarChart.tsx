// A bar chart for the admin's "This week" (issue 18), drawn as SVG with @visx's scales and bars.
// Readable at arm's length: every bar carries its number in large type, labels are words, not
// a legend to decode. For assistive technology the SVG is one image with a title and a summary;
// the numbers themselves are in the table the panel offers beside it (and as CSV).
import { useId } from 'react';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';

export interface Datum {
  key: string;
  /** One or two lines under (vertical) or beside (horizontal) the bar. */
  label: string[];
  value: number;
}

const FONT = 20;
const SMALL = 17;

export function BarChart({ title, summary, data, orientation, testId }: { title: string; summary: string; data: Datum[]; orientation: 'vertical' | 'horizontal'; testId: string }) {
  const id = useId();
  const max = Math.max(1, ...data.map((d) => d.value));
  if (orientation === 'vertical') {
    const width = 960;
    const height = 340;
    const top = 34;
    const bottom = 56;
    const x = scaleBand<string>({ domain: data.map((d) => d.key), range: [8, width - 8], padding: 0.22 });
    const y = scaleLinear<number>({ domain: [0, max], range: [height - bottom, top] });
    return (
      <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`} data-testid={testId} preserveAspectRatio="xMidYMid meet">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{summary}</desc>
        <line x1={0} x2={width} y1={height - bottom} y2={height - bottom} className="chart-axis" />
        {data.map((d) => {
          const bx = x(d.key) ?? 0;
          const bw = x.bandwidth();
          const by = y(d.value);
          const cx = bx + bw / 2;
          return (
            <g key={d.key} data-bar={d.key} data-value={d.value}>
              {d.value > 0 && <Bar x={bx} y={by} width={bw} height={height - bottom - by} className="chart-bar" rx={3} />}
              <text x={cx} y={by - 8} textAnchor="middle" className={d.value > 0 ? 'chart-value' : 'chart-value chart-zero'} fontSize={FONT}>
                {d.value}
              </text>
              {d.label.map((line, i) => (
                <text key={i} x={cx} y={height - bottom + 22 + i * 22} textAnchor="middle" className="chart-label" fontSize={SMALL}>
                  {line}
                </text>
              ))}
            </g>
          );
        })}
      </svg>
    );
  }
  const row = 46;
  const labelWidth = 300;
  const width = 960;
  const height = Math.max(row, data.length * row) + 8;
  const x = scaleLinear<number>({ domain: [0, max], range: [0, width - labelWidth - 90] });
  const y = scaleBand<string>({ domain: data.map((d) => d.key), range: [4, height - 4], padding: 0.18 });
  return (
    <svg className="chart" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`} data-testid={testId} preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{summary}</desc>
      {data.map((d) => {
        const by = y(d.key) ?? 0;
        const bh = y.bandwidth();
        const bw = x(d.value);
        return (
          <g key={d.key} data-bar={d.key} data-value={d.value}>
            <text x={labelWidth - 14} y={by + bh / 2} dominantBaseline="central" textAnchor="end" className="chart-label" fontSize={FONT}>
              {clip(d.label.join(' '), 24)}
            </text>
            <Bar x={labelWidth} y={by} width={Math.max(bw, 2)} height={bh} className="chart-bar" rx={3} />
            <text x={labelWidth + bw + 10} y={by + bh / 2} dominantBaseline="central" className="chart-value" fontSize={FONT}>
              {d.value}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/** Long reason labels fit the label column; the table has them whole. */
function clip(s: string, n: number): string {
  const chars = [...s];
  return chars.length > n ? `${chars.slice(0, n - 1).join('')}…` : s;
}
