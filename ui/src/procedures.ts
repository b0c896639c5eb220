// Pure logic of the Thủ tục screens: which view shows (the opening screen, one life event's
// short list, or search results), the catalogue line ("2.642 thủ tục · cập nhật …") and
// titles in the current language. No DOM, no backend: unit-tested in procedures.test.ts.
// Ranking, folding and deciding that a match is weak stay in the core.
import { relativeTime } from "./format";
import { t, type Lang } from "./i18n";
import type { Freshness, LifeEvent, ProcedureHome } from "./models";

/** What the search box and filters hold. */
export type SearchInput = { text: string; level: string; field: string };

/** What the Thủ tục screen shows under the search form. */
export type ProcedureView =
  | { kind: "results" }
  | { kind: "event"; event: LifeEvent }
  | { kind: "home" }
  | { kind: "loading" };

/** True when there is something to search: a word typed or a filter chosen (a filter alone lists by name). */
export function isSearching(input: SearchInput): boolean {
  return input.text.trim() !== "" || input.level !== "" || input.field !== "";
}

/**
 * Results while searching; otherwise the life event `eventId` names (when the opening screen
 * has it, else the opening screen itself); "loading" until the opening screen has arrived.
 */
export function procedureView(input: SearchInput, eventId: string | null, home: ProcedureHome | null): ProcedureView {
  if (isSearching(input)) return { kind: "results" };
  if (home === null) return { kind: "loading" };
  const event = eventId === null ? undefined : home.events.find((e) => e.id === eventId);
  return event ? { kind: "event", event } : { kind: "home" };
}

/** 2642 → "2.642" (vi) or "2,642" (en). */
export function groupThousands(n: number, lang: Lang): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, lang === "vi" ? "." : ",");
}

/** "2.642 thủ tục · cập nhật 3 giờ trước", or "… · chưa đồng bộ" before the first sync. */
export function catalogueLine(total: number, freshness: Freshness, now: Date, lang: Lang): string {
  const n = groupThousands(total, lang);
  const ago = freshness.syncedAt === null ? "" : relativeTime(freshness.syncedAt, now, lang);
  return ago === "" ? t("catalogueNever", { n }, lang) : t("catalogueLine", { n, ago }, lang);
}

/** A life event's title in `lang`. */
export function eventTitle(event: LifeEvent, lang: Lang): string {
  return lang === "en" && event.titleEn !== "" ? event.titleEn : event.title;
}
