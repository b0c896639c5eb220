import { describe, expect, it } from "vitest";
import { BackendError, toBackendError } from "./errors";

describe("toBackendError", () => {
  it("keeps known codes and the Vietnamese message", () => {
    const e = toBackendError({ code: "not_found", message: "Không tìm thấy." });
    expect(e).toBeInstanceOf(BackendError);
    expect(e.code).toBe("not_found");
    expect(e.message).toBe("Không tìm thấy.");
  });
  it("buckets unknown codes to internal but keeps the raw code", () => {
    const e = toBackendError({ code: "outbox_full", message: "Hộp thư đầy." });
    expect(e.code).toBe("internal");
    expect(e.rawCode).toBe("outbox_full");
  });
  it("accepts a JSON string body, a plain string and an Error", () => {
    expect(toBackendError('{"code":"offline","message":"Mất mạng"}').code).toBe("offline");
    expect(toBackendError("boom").code).toBe("internal");
    expect(toBackendError(new Error("x")).message).toBe("x");
    expect(toBackendError(42).code).toBe("internal");
  });
});
