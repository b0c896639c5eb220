// The trend of new cases in the recent epidemic bulletins as an inline SVG (no chart
// library): per day a bar of the whole bulletin and, inside it, one of the home unit, on a
// scale whose top is a round number so the axis label reads well. The table under it
// carries the same numbers for screen readers.
import { t } from "../i18n";
import type { TrendPoint } from "../models";

/** Drawing height of the bars, in SVG units. */
export const CHART_HEIGHT = 100;
const BAR = 18;
const GAP = 8;
const LEFT = 26;

/** The smallest 1, 2 or 5 × 10ⁿ at or above `max` (1 for nothing), the top of the axis. */
export function niceMax(max: number): number {
  if (!(max > 1)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) {
    if (step * power >= max) return step * power;
  }
  return 10 * power;
}

/** One bar pair, in SVG units: its day, x of the bar, heights of the total and the home unit's part. */
export type Bar = { date: string; x: number; total: number; mine: number };

/** Bars of `points` on the scale `top` (see niceMax): heights are proportional, never above the chart. */
export function bars(points: TrendPoint[], top: number = niceMax(Math.max(0, ...points.map((p) => p.total)))): Bar[] {
  const height = (v: number) => Math.min(CHART_HEIGHT, Math.round((Math.max(0, v) / top) * CHART_HEIGHT));
  return points.map((p, i) => ({ date: p.date, x: LEFT + GAP + i * (BAR + GAP), total: height(p.total), mine: height(p.mine) }));
}

/** "2021-05-25" → "25/5". */
function shortDay(date: string): string {
  const [, m, d] = date.split("-");
  return m && d ? `${Number(d)}/${Number(m)}` : date;
}

/** The chart and its table; nothing when there is no point. */
export function TrendChart({ points }: { points: TrendPoint[] }) {
  if (points.length === 0) return null;
  const top = niceMax(Math.max(0, ...points.map((p) => p.total)));
  const drawn = bars(points, top);
  const width = LEFT + GAP + points.length * (BAR + GAP);
  return (
    <figure class="trend" data-testid="bulletin-trend">
      <svg viewBox={`0 0 ${width} ${CHART_HEIGHT + 22}`} width="100%" role="img" aria-label={t("bulletinsTrend")}>
        <line x1={LEFT} y1={0} x2={LEFT} y2={CHART_HEIGHT} stroke="currentColor" stroke-width="1" />
        <line x1={LEFT} y1={CHART_HEIGHT} x2={width} y2={CHART_HEIGHT} stroke="currentColor" stroke-width="1" />
        <text x={LEFT - 4} y={9} font-size="10" text-anchor="end" fill="currentColor">
          {top}
        </text>
        <text x={LEFT - 4} y={CHART_HEIGHT} font-size="10" text-anchor="end" fill="currentColor">
          0
        </text>
        {drawn.map((b) => (
          <g key={b.date}>
            <rect x={b.x} y={CHART_HEIGHT - b.total} width={BAR} height={b.total} fill="#0a5cad" />
            <rect x={b.x + 4} y={CHART_HEIGHT - b.mine} width={BAR - 8} height={b.mine} fill="#c2410c" />
            <text x={b.x + BAR / 2} y={CHART_HEIGHT + 14} font-size="9" text-anchor="middle" fill="currentColor">
              {shortDay(b.date)}
            </text>
          </g>
        ))}
      </svg>
      <figcaption class="muted small">{t("bulletinsTrendLegend")}</figcaption>
      <table class="trend-table">
        <thead>
          <tr>
            <th scope="col">{t("bulletinsDay")}</th>
            <th scope="col">{t("bulletinsTotal")}</th>
            <th scope="col">{t("bulletinsMine")}</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p) => (
            <tr key={p.date}>
              <th scope="row">{shortDay(p.date)}</th>
              <td>{p.total}</td>
              <td>{p.mine}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
