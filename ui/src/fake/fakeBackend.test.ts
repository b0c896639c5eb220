import { describe, expect, it } from "vitest";
import { BackendError } from "../errors";
import type { SyncProgress } from "../models";
import { FakeBackend } from "./fakeBackend";

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}

const now = () => new Date("2026-11-23T12:00:00Z");

describe("FakeBackend", () => {
  it("replays the real core's recorded answers to the queries the UI tests type", async () => {
    const b = new FakeBackend({ storage: memory(), now });
    const q = (text: string, level: string | null = null) => b.searchProcedures({ text, level, field: null, limit: 50 });
    const chungThuc = await q("chung thuc chu ky");
    expect(chungThuc.weak).toBe(false);
    expect(chungThuc.hits.slice(0, 3).some((h) => h.name.startsWith("Chứng thực chữ ký"))).toBe(true);
    expect((await q("dang ky khai sinh")).hits[0]?.name).toBe("Thủ tục đăng ký khai sinh");
    const weak = await q("mua vé máy bay giá rẻ");
    expect(weak.weak).toBe(true);
    expect(weak.hits.length).toBeGreaterThan(0);
    const tinh = await q("cap lai can cuoc", "Cấp tỉnh");
    expect(tinh.hits.every((h) => h.levels.includes("Cấp tỉnh"))).toBe(true);
    // The limit cuts the recorded answer; the freshness is the fake's own.
    const one = await b.searchProcedures({ text: "khai sinh", level: null, field: null, limit: 1 });
    expect(one.hits.length).toBe(1);
    expect(one.freshness.syncedAt).not.toBeNull();
  });

  it("says clearly when a query was never recorded instead of inventing an answer", async () => {
    const b = new FakeBackend({ storage: memory(), now });
    const missing = b.searchProcedures({ text: "chung thuc", level: null, field: null, limit: 50 });
    await expect(missing).rejects.toBeInstanceOf(BackendError);
    await expect(missing).rejects.toThrow(/no fixture.*record_ui_fixture/s);
    await expect(b.getProcedure("9.999999")).rejects.toMatchObject({ code: "not_found" });
  });

  it("serves recorded facets, and lists by name for a filter alone", async () => {
    const b = new FakeBackend({ storage: memory(), now });
    const facets = await b.procedureFacets();
    expect(facets.levels.map((f) => f.value)).toEqual(expect.arrayContaining(["Cấp xã", "Cấp tỉnh", "Cấp bộ"]));
    const tinh = await b.searchProcedures({ text: "", level: "Cấp tỉnh", field: null, limit: 50 });
    expect(tinh.total).toBe(facets.levels.find((f) => f.value === "Cấp tỉnh")?.count);
    const hoTich = await b.searchProcedures({ text: "", level: null, field: "Hộ tịch", limit: 1 });
    expect(hoTich.hits.length).toBe(1);
    expect(hoTich.total).toBeGreaterThan(1);
  });

  it("opens with life events and the most asked; keeps recent and saved procedures", async () => {
    const storage = memory();
    const b = new FakeBackend({ storage, now });
    const home = await b.procedureHome();
    expect(home.total).toBe(2642);
    expect(home.events.map((e) => e.title)).toEqual(expect.arrayContaining(["Sinh con", "Kết hôn", "Làm căn cước"]));
    expect(home.popular.length).toBeGreaterThan(0);
    expect(home.recent).toEqual([]);
    expect(home.saved).toEqual([]);

    const code = home.popular[0]?.code ?? "";
    expect((await b.getProcedure(code)).saved).toBe(false);
    await b.setProcedureSaved(code, true);
    await b.getProcedure("1.014064");
    const again = new FakeBackend({ storage, now });
    expect((await again.getProcedure(code)).saved).toBe(true);
    const after = await again.procedureHome();
    expect(after.saved.map((h) => h.code)).toEqual([code]);
    expect(after.recent.map((h) => h.code)).toEqual([code, "1.014064"]);
    await again.setProcedureSaved(code, false);
    expect((await again.procedureHome()).saved).toEqual([]);
    await expect(again.setProcedureSaved("9.999999", true)).rejects.toMatchObject({ code: "not_found" });
  });

  it("saves a server address only when it answers, and shows the key's fingerprint only", async () => {
    const storage = memory();
    const b = new FakeBackend({ storage, now });
    const before = await b.getConnection();
    expect(before.serverUrl).toBe("http://127.0.0.1:8787");
    expect(before.apiKeyFingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(JSON.stringify(before)).not.toContain("congdan-demo-key");
    const refused = b.setServerUrl("http://10.0.0.9:8787");
    await expect(refused).rejects.toMatchObject({ code: "invalid_input" });
    await expect(refused).rejects.toThrow(/Không kết nối được tới máy chủ http:\/\/10\.0\.0\.9:8787/);
    await expect(b.setServerUrl("ftp://x")).rejects.toMatchObject({ code: "invalid_input" });
    expect(await b.getConnection()).toEqual(before);
    expect((await b.setServerUrl("http://127.0.0.1:8787/")).serverUrl).toBe("http://127.0.0.1:8787");
  });

  it("persists the home unit and ticked documents in its storage", async () => {
    const storage = memory();
    const b = new FakeBackend({ storage, now });
    expect(await b.getHomeUnit()).toBeNull();
    await expect(b.listNews(10)).rejects.toMatchObject({ code: "not_configured" });
    const home = await b.setHomeUnit("00004");
    expect(home).toEqual({ code: "00004", name: "Phường Ba Đình", provinceCode: "01", provinceName: "Thành phố Hà Nội" });
    expect(await b.setDocumentChecked("1.014064", 1, true)).toEqual([1]);
    expect(await b.setDocumentChecked("1.014064", 0, true)).toEqual([0, 1]);
    const again = new FakeBackend({ storage, now });
    expect((await again.getHomeUnit())?.code).toBe("00004");
    expect((await again.getProcedure("1.014064")).checked).toEqual([0, 1]);
    await expect(again.setDocumentChecked("1.014064", 99, true)).rejects.toBeInstanceOf(BackendError);
    await expect(again.setHomeUnit("01")).rejects.toMatchObject({ code: "not_found" });
  });

  it("lists provinces sorted the Vietnamese way and communes of one province", async () => {
    const b = new FakeBackend({ storage: memory(), now });
    const provinces = await b.listProvinces();
    expect(provinces.length).toBe(34);
    const names = provinces.map((p) => p.name);
    expect([...names].sort(new Intl.Collator("vi").compare)).toEqual(names);
    const communes = await b.listCommunes("01");
    expect(communes.length).toBe(126);
    expect(communes.every((c) => c.parent === "01" && c.level === "commune")).toBe(true);
  });

  it("serves news newest first, two hours old, with some images cached", async () => {
    const b = new FakeBackend({ storage: memory(), now });
    await b.setHomeUnit("00004");
    const list = await b.listNews(10);
    expect(list.items.length).toBeGreaterThanOrEqual(3);
    const first = list.items[0];
    expect(first && now().getTime() - Date.parse(first.publishedAt)).toBe(2 * 3_600_000);
    const cached = await Promise.all(list.items.map((n) => (n.image ? b.getMedia(n.image) : null)));
    expect(cached.some((m) => m !== null)).toBe(true);
    expect(cached.some((m) => m === null)).toBe(true);
  });

  it("reports progress and finishes a sync; offline sync fails with code offline", async () => {
    const b = new FakeBackend({ storage: memory(), now, syncStepMs: 0 });
    const seen: SyncProgress[] = [];
    let finished = false;
    await b.onSyncProgress((p) => seen.push(p));
    await b.onSyncFinished(() => {
      finished = true;
    });
    const report = await b.syncNow();
    expect(report.resources.map((r) => r.resource)).toEqual(["units", "procedures"]);
    expect(seen.some((p) => p.resource === "procedures" && p.page === 3)).toBe(true);
    expect(finished).toBe(true);
    expect((await b.syncStatus()).resources[0]?.syncedAt).toBe(now().toISOString());

    const off = new FakeBackend({ storage: memory(), now, offline: true });
    await expect(off.syncNow()).rejects.toMatchObject({ code: "offline" });
    expect((await off.syncStatus()).offline).toBe(true);
  });

  it("queues requests offline and sends them in order once online", async () => {
    const storage = memory();
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const offline = new FakeBackend({ storage, now, offline: true, syncStepMs: 0 });
    await offline.setHomeUnit("00004");
    await expect(offline.preparePhoto(btoa("not an image"))).rejects.toMatchObject({ code: "invalid_input" });
    const photo = await offline.preparePhoto(png);
    expect(photo.width).toBe(1);
    const draft = {
      serviceCode: "chieu-sang-cong-cong",
      description: "Đèn không sáng",
      attributes: [{ code: "tinh_trang", values: ["khong-sang"] }],
      lat: null,
      long: null,
      address: "Số 1 Quán Thánh",
      village: null,
      photoIds: [photo.id],
    };
    await expect(offline.submitRequest({ ...draft, attributes: [] })).rejects.toMatchObject({ code: "invalid_input" });
    await offline.submitRequest(draft);
    expect((await offline.listOutbox()).map((r) => r.kind)).toEqual(["upload", "request"]);
    expect(await offline.drainOutbox()).toMatchObject({ sent: 0, failedPermanent: 0, pending: 2, lastError: { code: "offline" } });
    const rows = await offline.listOutbox();
    expect(rows[0]).toMatchObject({ attempts: 1, lastError: { code: "offline" } });
    expect((await offline.listMyRequests()).items[0]).toMatchObject({ detailedStatus: "queued", pending: true });

    const online = new FakeBackend({ storage, now, syncStepMs: 0 });
    const kinds: string[] = [];
    await online.onOutboxProgress((p) => kinds.push(p.kind));
    expect(await online.drainOutbox()).toEqual({ sent: 2, failedPermanent: 0, pending: 0, lastError: null });
    expect(kinds).toContain("request");
    expect(await online.listOutbox()).toEqual([]);
    const first = (await online.listMyRequests()).items[0];
    expect(first).toMatchObject({ serviceName: "Chiếu sáng công cộng", detailedStatus: "submitted", pending: false });
    const changes: string[] = [];
    await online.onRequestStatusChanged((c) => changes.push(`${c.requestId}:${c.detailedStatus}`));
    await online.syncNow();
    expect(changes).toContain(`${first?.id}:received`);
    const detail = await online.getMyRequest(first?.id ?? "");
    expect(detail.timeline.map((e) => e.status)).toEqual(["submitted", "received"]);
  });

  it("counts 'tôi cũng gặp' once per device", async () => {
    const b = new FakeBackend({ storage: memory(), now, syncStepMs: 0 });
    await b.setHomeUnit("00004");
    const before = (await b.listPublicRequests())[0];
    await b.supportRequest(before?.id ?? "");
    expect((await b.listPublicRequests())[0]?.supportCount).toBe((before?.supportCount ?? 0) + 1);
    await expect(b.supportRequest(before?.id ?? "")).rejects.toMatchObject({ code: "invalid_input" });
  });
  it("replays the core's bus answers: a stop without diacritics, its departures, a journey", async () => {
    const b = new FakeBackend({ storage: memory(), now });
    const stops = await b.busStops("BEN THANH");
    expect(stops[0]?.name.startsWith("Bến Thành")).toBe(true);
    expect((await b.busStops("hai thuong lan ong"))[0]?.name).toBe("Hải Thượng Lãn Ông");
    const board = await b.busDepartures("81", null, 3);
    expect(board.departures.length).toBe(3);
    expect(board.departures[0]?.departure.endsWith("+07:00")).toBe(true);
    const journeys = await b.busJourney("81", "138", { at: null, max_transfers: 2, max_walk_m: 500, min_change_s: 60 });
    expect(journeys[0]?.legs.some((l) => l.kind === "bus" && l.trip_id !== undefined)).toBe(true);
    await expect(b.busStops("xyz chưa ghi")).rejects.toThrow(/no fixture/);
    await b.setBusFavourite("stop", "81", "Bến Thành A", true);
    expect(await b.busFavourites()).toEqual([{ kind: "stop", key: "81", label: "Bến Thành A" }]);
    await b.setBusFavourite("stop", "81", "", false);
    expect(await b.busFavourites()).toEqual([]);
  });
});

describe("FakeBackend officials (no server in the browser preview)", () => {
  it("has no session and answers official tools as the core does without one", async () => {
    const b = new FakeBackend({ storage: memory(), now });
    expect(await b.getOfficialSession()).toBeNull();
    await expect(b.officerInbox()).rejects.toMatchObject({ code: "not_logged_in" });
    await expect(b.officialAnnouncements()).rejects.toBeInstanceOf(BackendError);
    await expect(b.login("canbo.badinh", "demo-2026")).rejects.toMatchObject({ code: "offline" });
  });

  it("asks for a reason before saying no to an announcement", async () => {
    const b = new FakeBackend({ storage: memory(), now });
    await expect(b.ackAnnouncement("x", "not_going", " ")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(b.listAnnouncements()).rejects.toMatchObject({ code: "not_configured" });
  });
});
