// The epidemic bulletin form's figures: what an officer typed per unit, checked
// before anything is sent, so a typo ("1O") is refused instead of posted as 1.
import { t } from "./i18n";
import type { CaseCount } from "./models";

/** One row of the form as typed. */
export type CaseRow = { unit: string; newCases: string; recovered: string; deaths: string };

/** A figures cell: empty, a whole number (digits only), or "bad". */
function count(text: string): number | null | "bad" {
  const t = text.trim();
  if (t === "") return null;
  return /^\d{1,7}$/.test(t) ? Number(t) : "bad";
}

/** The cases of the form as the server takes them, or the Vietnamese reason they cannot be. */
export function caseCounts(rows: CaseRow[]): CaseCount[] | string {
  const out: CaseCount[] = [];
  for (const [i, r] of rows.entries()) {
    const [fresh, recovered, deaths] = [count(r.newCases), count(r.recovered), count(r.deaths)];
    if (fresh === "bad" || recovered === "bad" || deaths === "bad") return t("bulletinNotNumber", { n: i + 1 });
    if (fresh === null) return t("bulletinNewMissing", { n: i + 1 });
    out.push({
      unit: r.unit.trim(),
      new_cases: fresh,
      ...(recovered === null ? {} : { recovered }),
      ...(deaths === null ? {} : { deaths }),
    });
  }
  return out;
}
