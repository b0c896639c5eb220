import { describe, expect, it } from "vitest";
import { formatDate, oldest, relativeTime } from "./format";

const now = new Date("2026-11-23T12:00:00Z");
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("relativeTime", () => {
  it("speaks Vietnamese", () => {
    expect(relativeTime(ago(10_000), now, "vi")).toBe("vừa xong");
    expect(relativeTime(ago(5 * MIN), now, "vi")).toBe("5 phút trước");
    expect(relativeTime(ago(2 * HOUR + 5 * MIN), now, "vi")).toBe("2 giờ trước");
    expect(relativeTime(ago(3 * DAY), now, "vi")).toBe("3 ngày trước");
  });
  it("speaks English with plurals", () => {
    expect(relativeTime(ago(1 * MIN), now, "en")).toBe("1 minute ago");
    expect(relativeTime(ago(2 * HOUR), now, "en")).toBe("2 hours ago");
    expect(relativeTime(ago(1 * DAY), now, "en")).toBe("1 day ago");
  });
  it("gives a date after 30 days", () => {
    const old = new Date(2026, 0, 5, 12).toISOString();
    expect(relativeTime(old, now, "vi")).toBe("05/01/2026");
    expect(relativeTime(old, now, "en")).toBe("2026-01-05");
  });
  it("treats the future as just now and bad input as empty", () => {
    expect(relativeTime(new Date(now.getTime() + 5 * MIN).toISOString(), now, "vi")).toBe("vừa xong");
    expect(relativeTime("not a date", now, "vi")).toBe("");
  });
});

describe("formatDate and oldest", () => {
  it("pads day and month", () => {
    expect(formatDate(new Date(2025, 6, 1), "vi")).toBe("01/07/2025");
  });
  it("picks the oldest, and null when any resource never synced", () => {
    expect(oldest([ago(HOUR), ago(3 * HOUR), ago(2 * HOUR)])).toBe(ago(3 * HOUR));
    expect(oldest([ago(HOUR), null])).toBeNull();
    expect(oldest([])).toBeNull();
  });
});
