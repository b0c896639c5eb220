import { describe, expect, it } from "vitest";
import { caseCounts } from "./bulletins";

const row = (newCases: string, recovered = "", deaths = "") => ({ unit: " 00004 ", newCases, recovered, deaths });

describe("caseCounts", () => {
  it("takes digits only, leaves out what was left empty and trims the unit", () => {
    expect(caseCounts([row("12", "3")])).toEqual([{ unit: "00004", new_cases: 12, recovered: 3 }]);
    expect(caseCounts([row("0", "", "1")])).toEqual([{ unit: "00004", new_cases: 0, deaths: 1 }]);
  });

  it("refuses a typo or a missing count with the row's number", () => {
    expect(caseCounts([row("1"), row("1O")])).toBe("Dòng 2: số ca phải là số nguyên không âm, chỉ gồm chữ số.");
    expect(caseCounts([row("-3")])).toMatch(/^Dòng 1: số ca/);
    expect(caseCounts([row("2.5")])).toMatch(/^Dòng 1: số ca/);
    expect(caseCounts([row("")])).toBe("Dòng 1: cần nhập số ca mới (0 nếu không có).");
  });
});
