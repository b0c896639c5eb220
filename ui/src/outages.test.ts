import { describe, expect, it } from "vitest";
import { timeLeft, timeRange, upcoming } from "./outages";
import type { Outage } from "./models";

function cut(start: string, end: string, status: Outage["status"] = "scheduled"): Outage {
  return {
    id: `${start}@00001`,
    cut: start,
    unit: "00001",
    utility: "Điện lực Thành phố Bảo Lộc",
    area: "Phường 1 Bảo Lộc",
    start,
    end,
    reason: "Bảo trì",
    status,
    source: "schedule",
  };
}

describe("power cuts", () => {
  const now = new Date("2026-06-24T10:00:00+07:00");
  it("says how long until a cut, in both languages", () => {
    const c = cut("2026-06-25T00:00:00+07:00", "2026-06-25T03:00:00+07:00");
    expect(timeLeft(c, now, "vi")).toBe("còn 14 giờ");
    expect(timeLeft(c, now, "en")).toBe("in 14 h");
    expect(timeLeft(cut("2026-06-24T10:30:00+07:00", "2026-06-24T12:00:00+07:00"), now, "vi")).toBe("còn 30 phút");
    expect(timeLeft(cut("2026-06-28T10:00:00+07:00", "2026-06-28T12:00:00+07:00"), now, "vi")).toBe("còn 4 ngày");
    expect(timeLeft(cut("2026-06-24T08:00:00+07:00", "2026-06-24T12:00:00+07:00"), now, "vi")).toBe("đang cắt điện");
  });
  it("hides cancelled and ended cuts from upcoming", () => {
    const list = [
      cut("2026-06-24T06:00:00+07:00", "2026-06-24T09:00:00+07:00"),
      cut("2026-06-25T08:00:00+07:00", "2026-06-25T09:00:00+07:00", "cancelled"),
      cut("2026-06-25T08:00:00+07:00", "2026-06-25T10:00:00+07:00", "changed"),
    ];
    expect(upcoming(list, now).map((o) => o.status)).toEqual(["changed"]);
  });
  it("writes the end's date only when it differs", () => {
    expect(timeRange(cut("2026-06-25T08:00:00+07:00", "2026-06-25T11:30:00+07:00"), "vi")).toMatch(
      /^25\/06\/2026 \d\d:\d\d – \d\d:\d\d$/,
    );
  });
});
