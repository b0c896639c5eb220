import { describe, expect, it } from "vitest";
import { fold, matchesQuery, words } from "./fold";

describe("fold", () => {
  it("strips Vietnamese marks and folds đ/Đ", () => {
    expect(fold("Cấp lại thẻ căn cước")).toBe("cap lai the can cuoc");
    expect(fold("Đăng ký khai sinh")).toBe("dang ky khai sinh");
    expect(fold("Phường Ba Đình")).toBe("phuong ba dinh");
  });
  it("folds decomposed (NFD) input the same as composed", () => {
    expect(fold("Cấp".normalize("NFD"))).toBe(fold("Cấp"));
  });
  it("folds both tone placements (thủy / thuỷ, hòa / hoà)", () => {
    expect(fold("thủy")).toBe(fold("thuỷ"));
    expect(fold("hòa")).toBe(fold("hoà"));
  });
  it("splits words on punctuation", () => {
    expect(words("Cấp, quản lý căn cước (cấp xã)")).toEqual(["cap", "quan", "ly", "can", "cuoc", "cap", "xa"]);
  });
});

describe("matchesQuery", () => {
  it("matches every query word as a word prefix, in any order", () => {
    expect(matchesQuery("Cấp lại thẻ căn cước", "cap lai can cuoc")).toBe(true);
    expect(matchesQuery("Cấp lại thẻ căn cước", "can cuoc cap")).toBe(true);
    expect(matchesQuery("Thủ tục đăng ký khai sinh", "dang ky khai")).toBe(true);
    expect(matchesQuery("Phường Ba Đình", "ba di")).toBe(true);
  });
  it("rejects when a word is missing", () => {
    expect(matchesQuery("Thủ tục đăng ký khai sinh", "cap lai can cuoc")).toBe(false);
    expect(matchesQuery("Phường Ba Đình", "inh")).toBe(false);
  });
  it("matches everything on an empty query", () => {
    expect(matchesQuery("anything", "  ")).toBe(true);
  });
});
