// Vietnamese search folding, the same fold the core applies to its FTS shadow column:
// NFD, drop combining marks U+0300–U+036F, đ→d, Đ→D, lowercase. Used by the unit/province
// and service pickers, which filter in memory (procedure search is the core's alone).

/** Folds text so that "Cấp lại căn cước" and "cap lai can cuoc" compare equal. */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .toLowerCase();
}

/** Splits folded text into words (letters and digits). */
export function words(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/**
 * True when every word of the query is a prefix of some word of the text,
 * so "cap lai can cuoc" matches "Cấp lại thẻ căn cước" and "ba di" matches "Phường Ba Đình".
 */
export function matchesQuery(text: string, query: string): boolean {
  const q = words(query);
  if (q.length === 0) return true;
  const t = words(text);
  return q.every((qw) => t.some((tw) => tw.startsWith(qw)));
}
