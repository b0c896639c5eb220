// Pure helpers of the power-cut screens: how long until a cut ("còn 14 giờ") and its
// time range in local time. The rules of which cuts to show and when to remind live in
// the Rust core; these only format what it returns.
import { formatDateTime } from "./format";
import { t, type Lang } from "./i18n";
import type { Outage } from "./models";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "còn 45 phút", "còn 14 giờ", "còn 3 ngày", or "đang cắt điện" while it lasts. */
export function timeLeft(outage: Pick<Outage, "start" | "end">, now: Date, lang: Lang): string {
  const start = Date.parse(outage.start);
  const end = Date.parse(outage.end);
  const left = start - now.getTime();
  if (left <= 0) return now.getTime() < end ? t("outageNow", {}, lang) : "";
  if (left < HOUR) return t("outageInMinutes", { n: Math.max(1, Math.ceil(left / MINUTE)) }, lang);
  if (left < 2 * DAY) return t("outageIn", { n: Math.floor(left / HOUR) }, lang);
  return t("outageInDays", { n: Math.floor(left / DAY) }, lang);
}

/** Start and end as shown, local time; the end's date only when it differs from the start's. */
export function endpoints(outage: Pick<Outage, "start" | "end">, lang: Lang): { from: string; to: string } {
  const from = formatDateTime(outage.start, lang);
  const to = formatDateTime(outage.end, lang);
  return { from, to: from.slice(0, 10) === to.slice(0, 10) ? to.slice(11) : to };
}

/** "24/06/2026 08:00 – 11:30", local time. */
export function timeRange(outage: Pick<Outage, "start" | "end">, lang: Lang): string {
  return t("outageRange", endpoints(outage, lang), lang);
}

/** The cuts to show as upcoming: not cancelled, not ended. */
export function upcoming(outages: Outage[], now: Date): Outage[] {
  return outages.filter((o) => o.status !== "cancelled" && Date.parse(o.end) > now.getTime());
}
