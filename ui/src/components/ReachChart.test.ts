import { describe, expect, it } from "vitest";
import { barHeight } from "./ReachChart";

describe("reach chart", () => {
  it("scales bars to the tallest week and never divides by zero", () => {
    expect(barHeight(5, 10)).toBe(60);
    expect(barHeight(10, 10)).toBe(120);
    expect(barHeight(0, 0)).toBe(0);
  });
});
