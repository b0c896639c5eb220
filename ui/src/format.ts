// Pure formatting helpers: relative times ("2 giờ trước") and dates, in both languages.
import type { Lang } from "./i18n";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Formats a date as dd/mm/yyyy (vi) or yyyy-mm-dd (en) in local time. */
export function formatDate(date: Date, lang: Lang): string {
  const d = String(date.getDate()).padStart(2, "0");
  const m = String(date.getMonth() + 1).padStart(2, "0");
  const y = String(date.getFullYear());
  return lang === "vi" ? `${d}/${m}/${y}` : `${y}-${m}-${d}`;
}

/**
 * "vừa xong", "5 phút trước", "2 giờ trước", "3 ngày trước"; older than 30 days gives the date.
 * Times slightly in the future (clock skew) count as "just now". Returns "" for an invalid date.
 */
export function relativeTime(iso: string, now: Date, lang: Lang): string {
  const then = new Date(iso);
  const t = then.getTime();
  if (Number.isNaN(t)) return "";
  const diff = now.getTime() - t;
  const en = lang === "en";
  if (diff < MINUTE) return en ? "just now" : "vừa xong";
  if (diff < HOUR) {
    const n = Math.floor(diff / MINUTE);
    return en ? `${n} minute${n === 1 ? "" : "s"} ago` : `${n} phút trước`;
  }
  if (diff < DAY) {
    const n = Math.floor(diff / HOUR);
    return en ? `${n} hour${n === 1 ? "" : "s"} ago` : `${n} giờ trước`;
  }
  if (diff < 30 * DAY) {
    const n = Math.floor(diff / DAY);
    return en ? `${n} day${n === 1 ? "" : "s"} ago` : `${n} ngày trước`;
  }
  return formatDate(then, lang);
}

/** The oldest of the given timestamps (null entries mean "never"), or null if any is null or none given. */
export function oldest(times: Array<string | null>): string | null {
  if (times.length === 0) return null;
  let best: string | null = null;
  for (const t of times) {
    if (t === null) return null;
    if (best === null || new Date(t).getTime() < new Date(best).getTime()) best = t;
  }
  return best;
}

/** Date and time, "dd/mm/yyyy hh:mm" (vi) or "yyyy-mm-dd hh:mm" (en), local time; "" when invalid. */
/** A size for people: "850 KB", "3,4 MB" (vi) / "3.4 MB" (en). */
export function formatBytes(bytes: number, lang: Lang): string {
  const locale = lang === "vi" ? "vi-VN" : "en-GB";
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString(locale)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${mb.toLocaleString(locale, { maximumFractionDigits: mb < 10 ? 1 : 0 })} MB`;
}

export function formatDateTime(iso: string, lang: Lang): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const h = String(date.getHours()).padStart(2, "0");
  const m = String(date.getMinutes()).padStart(2, "0");
  return `${formatDate(date, lang)} ${h}:${m}`;
}
