import { describe, expect, it } from "vitest";
import { href, parseRoute, tabOf } from "./route";

describe("routes", () => {
  it("round-trips every route", () => {
    for (const r of [
      { name: "news" },
      { name: "article", id: "vne-3634646" },
      { name: "procedures" },
      { name: "lifeEvent", id: "sinh-con" },
      { name: "procedure", code: "1.014064" },
      { name: "feedback" },
      { name: "myRequests" },
      { name: "myRequest", id: "1001" },
      { name: "nearby" },
      { name: "settings" },
      { name: "announcements" },
      { name: "official" },
      { name: "onboarding" },
      { name: "bus" },
      { name: "busStop", id: "81" },
      { name: "busRoute", id: "1" },
      { name: "busJourney", from: "81", to: "138" },
      { name: "busJourney", from: "81", to: "138", at: "2025-12-01T07:30" },
      { name: "busJourney", from: "geo:10.772500,106.698000", to: "138" },
    ] as const) {
      expect(parseRoute(href(r))).toEqual(r);
    }
  });
  it("falls back to news and survives bad escapes", () => {
    expect(parseRoute("")).toEqual({ name: "news" });
    expect(parseRoute("#/nowhere")).toEqual({ name: "news" });
    expect(parseRoute("#/news/%E0%A4%A")).toEqual({ name: "article", id: "%E0%A4%A" });
  });
  it("keeps bus screens under the Xe buýt tab", () => {
    expect(tabOf({ name: "busJourney", from: "81", to: "138" })).toBe("bus");
    expect(parseRoute("#/bus/journey")).toEqual({ name: "busJourney", from: "", to: "" });
    expect(parseRoute("#/bus/stop")).toEqual({ name: "bus" });
  });
  it("maps routes to tabs", () => {
    expect(tabOf({ name: "procedure", code: "x" })).toBe("procedures");
    expect(tabOf({ name: "lifeEvent", id: "sinh-con" })).toBe("procedures");
    expect(parseRoute("#/life-events")).toEqual({ name: "procedures" });
    expect(tabOf({ name: "onboarding" })).toBeNull();
    expect(tabOf({ name: "myRequest", id: "1" })).toBe("feedback");
    expect(tabOf({ name: "nearby" })).toBe("feedback");
  });
});
