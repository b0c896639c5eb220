import { describe, expect, it } from "vitest";
import { resourceName, t } from "./i18n";

describe("i18n", () => {
  it("fills placeholders in both languages", () => {
    expect(t("updatedAgo", { ago: "3 giờ trước" }, "vi")).toBe("Cập nhật 3 giờ trước");
    expect(t("syncingResource", { resource: resourceName("procedures", "vi"), items: "1.200", size: "3,4 MB" }, "vi")).toBe(
      "Đang đồng bộ thủ tục… 1.200 mục, 3,4 MB",
    );
    expect(t("downloadingResource", { resource: resourceName("procedures", "vi"), size: "512 KB" }, "vi")).toBe(
      "Đang tải thủ tục… đã nhận 512 KB",
    );
    expect(t("resultCount", { n: 2 }, "en")).toBe("2 procedures");
  });
  it("leaves unknown placeholders visible and unknown resources as they are", () => {
    expect(t("updatedAgo", {}, "vi")).toBe("Cập nhật {ago}");
    expect(resourceName("media", "vi")).toBe("media");
    expect(resourceName("bus", "vi")).toBe("xe buýt");
  });
  it("uses NFC Vietnamese", () => {
    const s = t("offline", {}, "vi");
    expect(s).toBe(s.normalize("NFC"));
    expect(s).toBe("Ngoại tuyến — đang hiển thị dữ liệu đã lưu");
  });
});
