import type { ReactNode } from 'react';

export interface ChartLine {
  key: string;
  /** Any CSS colour. */
  color: string;
  /** One value in [0, 1] per x. */
  values: readonly number[];
  testId?: string;
}

export interface LineChartProps {
  width: number;
  height: number;
  /** Room for the axis labels, left and below. */
  pad: number;
  /** Shared by every line. */
  xs: readonly number[];
  /** The x axis's extent; its end labels default to the numbers. */
  xRange: { min: number; max: number; minLabel?: ReactNode; maxLabel?: ReactNode };
  lines: readonly ChartLine[];
  /** A dashed guide at y = 0.5, labelled. */
  half?: boolean;
  /** A vertical line at an x (the slider's threshold), drawn clamped to the axis. */
  marker?: { at: number; className: string; testId?: string };
  label: string;
}

/** Every line chart of the page: values in [0, 1] against a shared x, with axes, end labels and an optional marker. */
export function LineChart({ width: W, height: H, pad: P, xs, xRange, lines, half, marker, label }: LineChartProps) {
  const { min, max } = xRange;
  const x = (t: number) => P + ((t - min) / (max - min || 1)) * (W - P - 6);
  const y = (v: number) => H - P - v * (H - P - 6);
  const mx = marker ? x(Math.min(max, marker.at)) : 0;
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <line x1={P} y1={y(0)} x2={W - 6} y2={y(0)} className="axis" />
      <line x1={P} y1={y(0)} x2={P} y2={y(1)} className="axis" />
      {half && <line x1={P} y1={y(0.5)} x2={W - 6} y2={y(0.5)} className="guide" />}
      <text x={2} y={y(1) + 4}>
        1
      </text>
      {half && (
        <text x={2} y={y(0.5) + 4}>
          .5
        </text>
      )}
      <text x={2} y={y(0) + 4}>
        0
      </text>
      <text x={P} y={H - 6}>
        {xRange.minLabel ?? min}
      </text>
      <text x={W - 6} y={H - 6} textAnchor="end">
        {xRange.maxLabel ?? Number(max.toFixed(2))}
      </text>
      {lines.map((l) => (
        <polyline
          key={l.key}
          fill="none"
          strokeWidth={2}
          stroke={l.color}
          data-testid={l.testId}
          points={xs.map((t, i) => `${x(t).toFixed(1)},${y(l.values[i]).toFixed(1)}`).join(' ')}
        />
      ))}
      {marker && <line x1={mx} x2={mx} y1={y(0)} y2={y(1)} className={marker.className} data-testid={marker.testId} data-threshold={marker.at} />}
    </svg>
  );
}
