// Reach figures as an inline SVG (no chart library): per week, a bar of households that
// answered announcements and a bar of requests answered, with the on-time share below.
import { t } from "../i18n";
import type { ReachWeek } from "../models";

const BAR = 14;
const GAP = 10;
const HEIGHT = 120;

/** The bar height of `value` on a scale whose top is `max`. */
export function barHeight(value: number, max: number): number {
  if (max <= 0) return 0;
  return Math.round((value / max) * HEIGHT);
}

/** Bars per week; the table under it carries the same numbers for screen readers. */
export function ReachChart({ weeks }: { weeks: ReachWeek[] }) {
  if (weeks.length === 0) return <p class="empty">{t("reachEmpty")}</p>;
  const max = Math.max(1, ...weeks.map((w) => Math.max(w.acknowledged, w.answered)));
  const width = weeks.length * (2 * BAR + GAP) + GAP;
  return (
    <figure class="reach" data-testid="reach-chart">
      <svg viewBox={`0 0 ${width} ${HEIGHT + 20}`} width="100%" role="img" aria-label={t("reachTitle")}>
        {weeks.map((w, i) => {
          const x = GAP + i * (2 * BAR + GAP);
          const acks = barHeight(w.acknowledged, max);
          const answered = barHeight(w.answered, max);
          return (
            <g key={w.week}>
              <rect x={x} y={HEIGHT - acks} width={BAR} height={acks} fill="#0a5cad" />
              <rect x={x + BAR} y={HEIGHT - answered} width={BAR} height={answered} fill="#1d7a3a" />
              <text x={x + BAR} y={HEIGHT + 14} font-size="9" text-anchor="middle" fill="currentColor">
                {w.week.slice(-3)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption class="muted">{t("reachLegend")}</figcaption>
      <table class="reach-table">
        <thead>
          <tr>
            <th scope="col">{t("reachWeek")}</th>
            <th scope="col">{t("reachAnnouncements")}</th>
            <th scope="col">{t("reachAcknowledged")}</th>
            <th scope="col">{t("reachAnswered")}</th>
            <th scope="col">{t("reachOnTime")}</th>
            <th scope="col">{t("reachMedian")}</th>
          </tr>
        </thead>
        <tbody>
          {weeks.map((w) => (
            <tr key={w.week}>
              <th scope="row">{w.week}</th>
              <td>{w.announcements}</td>
              <td>{w.acknowledged}</td>
              <td>{w.answered}</td>
              <td>{w.on_time_percent === null ? "—" : `${Math.round(w.on_time_percent)}%`}</td>
              <td>{w.median_hours_to_answer === null ? "—" : w.median_hours_to_answer.toFixed(1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
