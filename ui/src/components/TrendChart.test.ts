import { describe, expect, it } from "vitest";
import { CHART_HEIGHT, bars, niceMax } from "./TrendChart";
import fixture from "../fake/bulletins.json";

describe("trend chart scaling", () => {
  it("tops the axis at a round number at or above the largest day", () => {
    expect([0, 1, 2, 3, 7, 10, 12, 230, 1000].map(niceMax)).toEqual([1, 1, 2, 5, 10, 10, 20, 500, 1000]);
  });

  it("draws bars proportional to the top, the home unit's inside the total", () => {
    const drawn = bars([
      { date: "2021-05-24", mine: 0, total: 1 },
      { date: "2021-05-25", mine: 1, total: 2 },
      { date: "2021-05-26", mine: 2, total: 7 },
    ]);
    // top = 10
    expect(drawn.map((b) => b.total)).toEqual([10, 20, 70]);
    expect(drawn.map((b) => b.mine)).toEqual([0, 10, 20]);
    const [first, second] = drawn;
    expect(second?.x ?? 0).toBeGreaterThan(first?.x ?? Infinity);
  });

  it("never draws above the chart, even on a too small scale", () => {
    expect(bars([{ date: "d", mine: 5, total: 50 }], 10).map((b) => b.total)).toEqual([CHART_HEIGHT]);
  });

  it("scales the trend recorded from the real core", () => {
    const points = fixture.plain.trend;
    const drawn = bars(points);
    expect(drawn).toHaveLength(points.length);
    const tallest = Math.max(...drawn.map((b) => b.total));
    // The 2021 Ba Đình list peaks at 2 cases (25 May): a full bar on a top of 2.
    expect(tallest).toBe(CHART_HEIGHT);
  });
});
