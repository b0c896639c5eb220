import { describe, expect, it } from "vitest";
import type { ProcedureHome } from "./models";
import { catalogueLine, eventTitle, groupThousands, isSearching, procedureView } from "./procedures";

const hit = { code: "1.001193", name: "Thủ tục đăng ký khai sinh", field: "Hộ tịch", levels: ["Cấp xã"] };
const event = { id: "sinh-con", title: "Sinh con", titleEn: "Having a baby", procedures: [hit] };
const home: ProcedureHome = {
  popular: [hit],
  events: [event],
  recent: [],
  saved: [],
  total: 2642,
  freshness: { syncedAt: "2026-11-23T09:00:00Z", offline: false },
};
const idle = { text: "", level: "", field: "" };

describe("procedure screen view", () => {
  it("searches when a word is typed or a filter is chosen, not for blanks", () => {
    expect(isSearching(idle)).toBe(false);
    expect(isSearching({ ...idle, text: "   " })).toBe(false);
    expect(isSearching({ ...idle, text: "khai sinh" })).toBe(true);
    expect(isSearching({ ...idle, level: "Cấp xã" })).toBe(true);
    expect(isSearching({ ...idle, field: "Hộ tịch" })).toBe(true);
  });

  it("shows the opening screen, a life event, or results", () => {
    expect(procedureView(idle, null, null)).toEqual({ kind: "loading" });
    expect(procedureView(idle, null, home)).toEqual({ kind: "home" });
    expect(procedureView(idle, "sinh-con", home)).toEqual({ kind: "event", event });
    // An event the device does not hold falls back to the opening screen.
    expect(procedureView(idle, "khong-co", home)).toEqual({ kind: "home" });
    // Typing wins over the event being shown.
    expect(procedureView({ ...idle, text: "kết hôn" }, "sinh-con", home)).toEqual({ kind: "results" });
    expect(procedureView({ ...idle, level: "Cấp xã" }, null, null)).toEqual({ kind: "results" });
  });
});

describe("catalogue line", () => {
  const now = new Date("2026-11-23T12:00:00Z");
  it("groups thousands the Vietnamese or English way", () => {
    expect(groupThousands(2642, "vi")).toBe("2.642");
    expect(groupThousands(2642, "en")).toBe("2,642");
    expect(groupThousands(50000, "vi")).toBe("50.000");
    expect(groupThousands(7, "vi")).toBe("7");
  });
  it("says how many and how fresh", () => {
    expect(catalogueLine(2642, home.freshness, now, "vi")).toBe("2.642 thủ tục · cập nhật 3 giờ trước");
    expect(catalogueLine(2642, home.freshness, now, "en")).toBe("2,642 procedures · updated 3 hours ago");
    expect(catalogueLine(0, { syncedAt: null, offline: true }, now, "vi")).toBe("0 thủ tục · chưa đồng bộ");
    const line = catalogueLine(2642, home.freshness, now, "vi");
    expect(line).toBe(line.normalize("NFC"));
  });
  it("titles life events in the chosen language", () => {
    expect(eventTitle(event, "vi")).toBe("Sinh con");
    expect(eventTitle(event, "en")).toBe("Having a baby");
    expect(eventTitle({ ...event, titleEn: "" }, "en")).toBe("Sinh con");
  });
});
