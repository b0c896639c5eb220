import { describe, expect, it } from "vitest";
import { geoLabel, geoPlace, parseLatLon } from "./places";

describe("journey ends that are points", () => {
  it("writes a position as the geo: URI the core reads, and labels it back", () => {
    const place = geoPlace(10.7725, 106.698);
    expect(place).toBe("geo:10.772500,106.698000");
    expect(geoLabel(place)).toBe("10.772500, 106.698000");
    expect(geoLabel("geo:10.7,106.6;u=20")).toBe("10.7, 106.6");
    expect(geoLabel("81")).toBeNull();
  });

  it("reads a typed or pasted position and refuses anything else", () => {
    expect(parseLatLon(" 10.7725, 106.698 ")).toEqual([10.7725, 106.698]);
    expect(parseLatLon("10.7725 106.698")).toEqual([10.7725, 106.698]);
    expect(parseLatLon("10.7725")).toBeNull();
    expect(parseLatLon("91, 106")).toBeNull();
    expect(parseLatLon("ben thanh")).toBeNull();
  });
});
