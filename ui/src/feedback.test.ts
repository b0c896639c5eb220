import { describe, expect, it } from "vitest";
import { FAKE_SERVICES } from "./fake/services";
import {
  emptyForm,
  filterServices,
  groupServices,
  timeLeft,
  toDraft,
  validateForm,
} from "./feedback";
import type { ServiceDefinition } from "./models";

const services = FAKE_SERVICES.map((s) => s.service);
const def = (code: string): ServiceDefinition => {
  const s = FAKE_SERVICES.find((x) => x.service.service_code === code);
  if (!s) throw new Error(code);
  return s.definition;
};

describe("service search", () => {
  it("matches names and keywords without diacritics", () => {
    expect(filterServices(services, "den duong").map((s) => s.service_code)).toEqual(["chieu-sang-cong-cong"]);
    expect(filterServices(services, "o ga").map((s) => s.service_code)).toContain("ha-tang-giao-thong");
    expect(filterServices(services, "sut lun").map((s) => s.service_code)).toEqual(["ha-tang-giao-thong"]);
    expect(filterServices(services, "RÁC").map((s) => s.service_code)).toContain("ve-sinh-moi-truong");
    expect(filterServices(services, "via he").map((s) => s.service_code)).toEqual(["ha-tang-giao-thong", "trat-tu-do-thi"]);
    expect(filterServices(services, "khai sinh").map((s) => s.service_code)).toEqual(["hoi-dap-thu-tuc"]);
    expect(filterServices(services, "")).toHaveLength(7);
    expect(filterServices(services, "xyz")).toEqual([]);
  });
  it("groups in first-seen order", () => {
    const groups = groupServices(services);
    expect(groups.map((g) => g.group)).toEqual(["Phản ánh hiện trường", "An ninh, trật tự", "Thủ tục hành chính"]);
    expect(groups[0]?.services).toHaveLength(3);
  });
});

describe("form validation from a definition", () => {
  it("requires required attributes, a description and a place", () => {
    const e = validateForm(def("ha-tang-giao-thong"), emptyForm("ha-tang-giao-thong"), "vi");
    expect(Object.keys(e).sort()).toEqual(["description", "loai_hu_hong", "nguy_hiem", "place"]);
    expect(e.loai_hu_hong).toBe("Vui lòng chọn.");
    expect(e.place).toMatch(/địa chỉ/);
  });
  it("accepts a complete form; a position replaces the address", () => {
    const form = {
      ...emptyForm("ha-tang-giao-thong"),
      answers: { loai_hu_hong: ["o-ga"], nguy_hiem: ["co"], kich_thuoc: ["1,5"] },
      description: "Ổ gà lớn",
      position: { lat: 21.03, long: 105.84 },
    };
    expect(validateForm(def("ha-tang-giao-thong"), form)).toEqual({});
    const draft = toDraft(def("ha-tang-giao-thong"), form);
    expect(draft.attributes).toEqual([
      { code: "loai_hu_hong", values: ["o-ga"] },
      { code: "kich_thuoc", values: ["1.5"] },
      { code: "nguy_hiem", values: ["co"] },
    ]);
    expect(draft.address).toBeNull();
    expect(draft.lat).toBe(21.03);
  });
  it("checks every datatype", () => {
    const base = { ...emptyForm("x"), description: "x", address: "Số 1" };
    const vs = def("ve-sinh-moi-truong");
    expect(validateForm(vs, { ...base, answers: { loai: ["rac-thai", "mui-hoi"], thoi_diem: ["2026-03-02T08:00"] } })).toEqual({});
    expect(validateForm(vs, { ...base, answers: { loai: ["bogus"] } }).loai).toBeDefined();
    expect(validateForm(vs, { ...base, answers: { loai: ["rac-thai"], thoi_diem: ["not a date"] } }).thoi_diem).toBeDefined();
    const an = def("an-ninh-trat-tu");
    expect(validateForm(an, { ...base, answers: { khan_cap: ["dang-dien-ra"], so_nguoi: ["abc"] } }).so_nguoi).toBeDefined();
    expect(validateForm(an, { ...base, answers: { khan_cap: ["dang-dien-ra", "da-ket-thuc"] } }).khan_cap).toBeDefined();
    const hd = def("hoi-dap-thu-tuc");
    expect(validateForm(hd, { ...base, answers: { cau_hoi: ["   "] } }).cau_hoi).toBe("Vui lòng nhập thông tin này.");
    expect(validateForm(hd, { ...base, answers: { cau_hoi: ["Làm khai sinh cần gì?"] } })).toEqual({});
    const ct = def("chung-thuc-ban-sao");
    expect(validateForm(ct, { ...base, answers: {} }, "en").loai_giay_to).toBe("Please fill this in.");
  });
  it("limits photos to five", () => {
    const photo = (id: string) => ({ id, width: 1, height: 1, bytes: 1, thumbDataUrl: "data:," });
    const form = { ...emptyForm("x"), description: "x", address: "a", answers: { cau_hoi: ["q"] }, photos: ["1", "2", "3", "4", "5", "6"].map(photo) };
    expect(validateForm(def("hoi-dap-thu-tuc"), form).photos).toBe("Tối đa 5 ảnh.");
  });
});

describe("time left", () => {
  it("words the working time the core counted", () => {
    expect(timeLeft({ workingMinutes: 200, overdue: false }, "vi")).toBe("còn 3 giờ làm việc");
    expect(timeLeft({ workingMinutes: 30, overdue: false }, "vi")).toBe("còn 30 phút làm việc");
    expect(timeLeft({ workingMinutes: 0, overdue: false }, "vi")).toBe("sắp đến hạn");
    expect(timeLeft({ workingMinutes: 0, overdue: true }, "vi")).toBe("quá hạn");
    expect(timeLeft({ workingMinutes: 200, overdue: false }, "en")).toBe("3 working hours left");
  });
});
