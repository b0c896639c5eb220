// In-memory stand-in for the Rust core, seeded from fixture.json (a small slice of the real
// data: units.csv and a VnExpress feed) and procedures.json (answers of the real client core
// on the demo catalogue, recorded by tests/src/bin/record_ui_fixture.rs). Used by the browser
// e2e tests and for UI work without Rust. It mimics the core's contracts (the same errors;
// ticks, saved and recent procedures and the home unit persisted, here in localStorage) but
// never its rules: a search is answered by replaying the recorded answer to the same query,
// and a query nobody recorded fails with a "no fixture" error saying how to record it.
import type { Backend, Unsubscribe } from "../backend";
import { BackendError } from "../errors";
import type {
  BusDepartures,
  BusFavourite,
  BusJourney,
  BusRoute,
  BusStatus,
  BusStop,
  JourneyOptions,
  ConnectionInfo,
  DetailedStatus,
  DrainProgress,
  DrainReport,
  ErrorBody,
  Freshness,
  HomeUnit,
  HomeVillage,
  Media,
  MyRequestDetail,
  MyRequestList,
  MyRequestSummary,
  NewsDetail,
  NewsItem,
  NewsList,
  Alert,
  Bulletin,
  AlertList,
  Outage,
  BulletinView,
  OutageList,
  OutageReminder,
  OutboxEntry,
  PreparedPhoto,
  Procedure,
  MediaUsage,
  Rating,
  TimeLeft,
  ProcedureDetail,
  ProcedureFacets,
  ProcedureHit,
  ProcedureHome,
  ProcedureQuery,
  ProcedureResults,
  PublicRequest,
  RequestDraft,
  Service,
  ServiceDefinition,
  RequestStatusChange,
  SubmitReceipt,
  SyncProgress,
  SyncReport,
  SyncStatus,
  TimelineEntry,
  Unit,
  AckKind,
  AnnouncementList,
  DraftFields,
  DraftOutcome,
  PreparedDocument,
  InboxItem,
  OfficialAnnouncement,
  OfficialSession,
  OfficerRequest,
  UnitHouseholds,
  AnnouncementShare,
  Reach,
} from "../models";
import fixtureJson from "./fixture.json";
import busJson from "./bus.json";
import alertsJson from "./alerts.json";
import bulletinsJson from "./bulletins.json";
import outagesJson from "./outages.json";
import recordedJson from "./procedures.json";
import { FAKE_SERVICES, type FakeService } from "./services";

/** Shape of fixture.json. */
export type Fixture = { units: Unit[]; news: NewsItem[] };

/** Shape of procedures.json: what the real core answered, recorded by tests/src/bin/record_ui_fixture.rs. */
export type Recorded = {
  /** `procedure_home` before any procedure was opened or saved. */
  home: ProcedureHome;
  facets: ProcedureFacets;
  /** `search_procedures` answers, by query. */
  searches: Array<{ query: ProcedureQuery; results: ProcedureResults }>;
  /** Full records of the procedures the answers lead to first. */
  procedures: Procedure[];
};

/** The storage the fake persists to (localStorage in the browser, a Map in unit tests). */
export type KeyValueStore = Pick<Storage, "getItem" | "setItem">;

/** Options of the fake. */
export type FakeOptions = {
  /** Behave as if the network were down: data is cached, sync fails with `offline`. */
  offline?: boolean;
  storage: KeyValueStore;
  /** Clock, injectable for tests. */
  now?: () => Date;
  fixture?: Fixture;
  recorded?: Recorded;
  /** Delay between sync progress events, in ms (0 in unit tests). */
  syncStepMs?: number;
};

const K_HOME = "congdan.fake.home";
const K_SERVER = "congdan.fake.server";
const K_MEDIA_BUDGET = "congdan.fake.mediaBudget";
const K_DATA_SAVER = "congdan.fake.dataSaver";
const K_MEDIA_CLEARED = "congdan.fake.mediaCleared";
/** The demo server, the only one the fake's health check reaches. */
const DEMO_SERVER = "http://127.0.0.1:8787";
/** What the real core's `connection()` shows for the demo key `congdan-demo-key`
 *  (first 8 hex digits of its SHA-256; recorded, not computed here). */
const DEMO_KEY_FINGERPRINT = "05c97192";
const K_SYNCED = "congdan.fake.syncedAt";
const K_CHECKED = "congdan.fake.checked.";
const K_REQUESTS = "congdan.fake.requests";
const K_SAVED = "congdan.fake.saved";
const K_RECENT = "congdan.fake.recent";
const K_BUS_FAVOURITES = "congdan.fake.busFavourites";

/** Shape of bus.json: answers of the real core on the demo bus network, recorded by
 *  scripts/record-bus-fixture.sh at `recordedAt` (a Monday morning). */
export type RecordedBus = {
  recordedAt: string;
  status: BusStatus;
  stops: Record<string, BusStop[]>;
  near: BusStop[];
  departures: Record<string, BusDepartures>;
  routes: Record<string, BusRoute>;
  journeys: Record<string, BusJourney[]>;
};

/** Lowercase, without Vietnamese diacritics, đ → d: the key recorded bus searches are looked up by. */
function busKey(q: string): string {
  return q.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().trim().replace(/\s+/g, " ");
}

function noBusFixture(what: string): BackendError {
  return new BackendError(
    "not_found",
    `Không có dữ liệu xe buýt ghi sẵn cho ${what} (no fixture: add it to scripts/record-bus-fixture.sh).`,
  );
}
/** Recent procedures on the opening screen (the core's RECENT_ON_HOME). */
const RECENT_ON_HOME = 5;
const HOUR = 3_600_000;
const MAX_PHOTO_BYTES = 20 * 1024 * 1024;
const OFFLINE: ErrorBody = { code: "offline", message: "Không có kết nối mạng." };

/** An outbox row of the fake, with what it carries. */
type FakeOutboxRow = OutboxEntry & {
  payload:
    | { kind: "upload"; photoId: string; bytes: number }
    | { kind: "request"; draft: RequestDraft; requestedAt: string }
    | { kind: "rating"; id: string; stars: number; comment: string | null }
    | { kind: "reopen"; id: string; reason: string }
    | { kind: "support"; id: string };
};

/** One of "my" requests as the fake keeps it (the server's view, flattened). */
type FakeMine = {
  id: string;
  serviceCode: string;
  serviceName: string;
  description: string;
  detailedStatus: DetailedStatus | "queued";
  agencyResponsible: string;
  officer: string | null;
  address: string | null;
  village: string | null;
  lat: number | null;
  long: number | null;
  requestedAt: string;
  deadline: string | null;
  /** Recorded as the core counts it (congdan-hours); the fake never counts working time. */
  timeLeft: TimeLeft | null;
  timeline: Array<Omit<TimelineEntry, "update_id" | "internal">>;
  answer: string | null;
  rating: Rating | null;
  canRate: boolean;
  canReopen: boolean;
  pending: boolean;
};

/** The core's detail model from the fake's record. */
function toDetail(m: FakeMine, reopenCount: number): MyRequestDetail {
  const queued = m.detailedStatus === "queued";
  const status: DetailedStatus = m.detailedStatus === "queued" ? "submitted" : m.detailedStatus;
  const last = m.timeline[m.timeline.length - 1];
  return {
    id: m.id,
    localUuid: queued ? m.id : null,
    request: queued
      ? null
      : {
          service_request_id: m.id,
          status: status === "closed" ? "closed" : "open",
          status_notes: m.answer,
          service_name: m.serviceName,
          service_code: m.serviceCode,
          description: m.description,
          agency_responsible: m.agencyResponsible,
          service_notice: null,
          requested_datetime: m.requestedAt,
          updated_datetime: last?.at ?? m.requestedAt,
          expected_datetime: m.deadline,
          address: m.address,
          address_id: null,
          zipcode: null,
          lat: m.lat,
          long: m.long,
          media_url: null,
          detailed_status: status,
          officer: m.officer,
          unit: "00004",
          village: m.village,
          support_count: 0,
          media_urls: [],
        },
    serviceName: m.serviceName,
    description: m.description,
    detailedStatus: m.detailedStatus,
    timeline: m.timeline.map((e, i) => ({ ...e, internal: false, update_id: `${m.id}-${i + 1}` })),
    answer: m.answer,
    deadline: m.deadline,
    timeLeft: m.timeLeft,
    canRate: m.canRate,
    canReopen: m.canReopen,
    rating: m.rating,
    reopenCount,
    pending: m.pending,
    error: null,
  };
}

/** Everything the fake keeps about requests (persisted as JSON in its storage). */
type RequestsState = {
  nextOutboxId: number;
  nextRequestId: number;
  outbox: FakeOutboxRow[];
  mine: FakeMine[];
  public: PublicRequest[];
  supported: string[];
};

function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}…` : flat;
}

function imageInfo(bytes: Uint8Array): { mime: string; width: number; height: number } | null {
  const b = (i: number) => bytes[i] ?? 0;
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) {
    const be = (i: number) => ((b(i) << 24) | (b(i + 1) << 16) | (b(i + 2) << 8) | b(i + 3)) >>> 0;
    return { mime: "image/png", width: be(16), height: be(20) };
  }
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return { mime: "image/jpeg", width: 0, height: 0 };
  if (b(0) === 0x52 && b(1) === 0x49 && b(2) === 0x46 && b(3) === 0x46 && b(8) === 0x57 && b(9) === 0x45) {
    return { mime: "image/webp", width: 0, height: 0 };
  }
  if (b(0) === 0x47 && b(1) === 0x49 && b(2) === 0x46) return { mime: "image/gif", width: 0, height: 0 };
  return null;
}

function base64ToBytes(data: string): Uint8Array | null {
  try {
    const bin = atob(data);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

function colorSvg(label: string, hue: number): Media {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="180" height="108" viewBox="0 0 180 108">` +
    `<rect width="180" height="108" fill="hsl(${hue},45%,42%)"/>` +
    `<text x="90" y="62" font-size="20" text-anchor="middle" fill="#fff" font-family="sans-serif">${label}</text></svg>`;
  return { mime: "image/svg+xml", dataUrl: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` };
}

const collator = new Intl.Collator("vi");

/** The key a recorded search answer is found by: the query exactly as sent, limit aside. */
function searchKey(q: Pick<ProcedureQuery, "text" | "level" | "field">): string {
  return JSON.stringify([q.text, q.level ?? "", q.field ?? ""]);
}

function hitOf(p: Procedure): ProcedureHit {
  return { code: p.code, name: p.name, field: p.field, levels: p.levels };
}

/** The in-memory fake backend. */
export class FakeBackend implements Backend {
  private readonly units: Unit[];
  private readonly recorded: Recorded;
  private readonly searches: Map<string, ProcedureResults>;
  private readonly news: NewsItem[];
  private readonly outages: Outage[];
  private readonly alerts: { active: Alert[]; history: Alert[] };
  private readonly media = new Map<string, Media>();
  private readonly storage: KeyValueStore;
  private readonly now: () => Date;
  private readonly offline: boolean;
  private readonly stepMs: number;
  private readonly progressListeners = new Set<(p: SyncProgress) => void>();
  private readonly finishedListeners = new Set<(s: SyncStatus) => void>();
  private readonly outboxListeners = new Set<(p: DrainProgress) => void>();
  private readonly statusListeners = new Set<(c: RequestStatusChange) => void>();
  private readonly services: FakeService[] = FAKE_SERVICES;
  private readonly photos = new Map<string, PreparedPhoto>();
  private nextPhoto = 1;
  private draining: Promise<DrainReport> | null = null;

  constructor(opts: FakeOptions) {
    const fixture = opts.fixture ?? (fixtureJson as Fixture);
    this.storage = opts.storage;
    this.now = opts.now ?? (() => new Date());
    this.offline = opts.offline ?? false;
    this.stepMs = opts.syncStepMs ?? 250;
    this.units = fixture.units;
    this.recorded = opts.recorded ?? (recordedJson as Recorded);
    this.searches = new Map(this.recorded.searches.map((s) => [searchKey(s.query), s.results]));
    // The captured feed is from 2017: move it so the newest item is two hours old,
    // keeping the gaps between items, so relative times look like a live feed.
    const newest = Math.max(...fixture.news.map((n) => Date.parse(n.published_at)));
    const shift = this.now().getTime() - 2 * HOUR - newest;
    this.news = fixture.news
      .map((n, i) => ({ ...n, published_at: new Date(Date.parse(n.published_at) + shift - i * 20 * HOUR).toISOString() }))
      .sort((a, b) => Date.parse(b.published_at) - Date.parse(a.published_at));
    // The recorded cuts are of June 2026: move them so the first starts in 14½ hours
    // ("còn 14 giờ" for the next half hour).
    const cuts = (outagesJson as { items: Outage[] }).items;
    const first = Math.min(...cuts.map((o) => Date.parse(o.start)));
    const cutShift = this.now().getTime() + 14.5 * HOUR - first;
    const moved = (iso: string) => new Date(Date.parse(iso) + cutShift).toISOString();
    this.outages = cuts.map((o) => ({ ...o, start: moved(o.start), end: moved(o.end) }));
    // Recorded alerts: issued by congdan-server issue-alert, already in the core's order.
    this.alerts = alertsJson as { active: Alert[]; history: Alert[] };
    // Only some images are "cached", so the UI shows both thumbnails and placeholders.
    this.news.slice(0, 3).forEach((n, i) => {
      if (n.image) this.media.set(n.image, colorSvg(`Ảnh ${i + 1}`, 200 + i * 50));
    });
    if (this.storage.getItem(K_SYNCED) === null) {
      this.storage.setItem(K_SYNCED, new Date(this.now().getTime() - 3 * HOUR).toISOString());
    }
  }

  private freshness(): Freshness {
    return { syncedAt: this.storage.getItem(K_SYNCED), offline: this.offline };
  }

  private home(): HomeUnit | null {
    const code = this.storage.getItem(K_HOME);
    if (code === null) return null;
    return this.homeFor(code);
  }

  private homeFor(code: string): HomeUnit | null {
    const unit = this.units.find((u) => u.code === code && u.level === "commune");
    const province = unit && this.units.find((u) => u.code === unit.parent);
    if (!unit || !province) return null;
    return { code: unit.code, name: unit.name, provinceCode: province.code, provinceName: province.name };
  }

  async getHomeUnit(): Promise<HomeUnit | null> {
    return this.home();
  }

  async setHomeUnit(code: string): Promise<HomeUnit> {
    const home = this.homeFor(code);
    if (!home) throw new BackendError("not_found", "Không tìm thấy xã, phường này.");
    this.storage.setItem(K_HOME, code);
    return home;
  }

  /** The demo commune has no villages until an admin adds them (`congdan-server add-unit`). */
  async listVillages(): Promise<HomeVillage[]> {
    return [];
  }

  async getHomeVillage(): Promise<HomeVillage | null> {
    return null;
  }

  async setHomeVillage(code: string | null): Promise<HomeVillage | null> {
    if (code === null) return null;
    throw new BackendError("not_found", "Không tìm thấy thôn, tổ dân phố này.");
  }

  async listProvinces(): Promise<Unit[]> {
    return this.units.filter((u) => u.level === "province").sort((a, b) => collator.compare(a.name, b.name));
  }

  async listCommunes(provinceCode: string): Promise<Unit[]> {
    return this.units
      .filter((u) => u.level === "commune" && u.parent === provinceCode)
      .sort((a, b) => collator.compare(a.name, b.name));
  }

  async listAlerts(): Promise<AlertList> {
    if (!this.home()) throw new BackendError("not_configured", "Chưa chọn xã, phường.");
    return { active: this.alerts.active, history: this.alerts.history, freshness: this.freshness() };
  }

  /** The fake has no server to long-poll: no alert ever changes. */
  async onAlertsChanged(): Promise<Unsubscribe> {
    return () => undefined;
  }

  /** Notifications the app asked the OS for, in order (tests read them). */
  readonly notified: Array<{ title: string; body: string }> = [];

  async notify(title: string, body: string): Promise<boolean> {
    this.notified.push({ title, body });
    return true;
  }

  /**
   * The views recorded from the real core (home unit 00004 on the demo seed): with a
   * position, the one recorded near the demo's first vaccination place, whatever the
   * position; distances and order are the core's rule, tested in Rust.
   */
  async bulletins(near?: { lat: number; lon: number }): Promise<BulletinView> {
    if (!this.home()) throw new BackendError("not_configured", "Chưa chọn xã, phường.");
    const recorded = (near ? bulletinsJson.near.view : bulletinsJson.plain) as BulletinView;
    return { ...recorded, freshness: this.freshness() };
  }

  async listOutages(): Promise<OutageList> {
    if (!this.home()) throw new BackendError("not_configured", "Chưa chọn xã, phường.");
    const now = this.now().getTime();
    return { items: this.outages.filter((o) => Date.parse(o.end) > now), freshness: this.freshness() };
  }

  /** Reminder times are the core's rule (tested in Rust); the fake schedules none. */
  async outageReminders(): Promise<OutageReminder[]> {
    return [];
  }

  async exportOutagesIcs(): Promise<string> {
    if (!this.home()) throw new BackendError("not_configured", "Chưa chọn xã, phường.");
    return "~/Downloads/lich-cat-dien.ics";
  }

  async listNews(limit: number): Promise<NewsList> {
    if (!this.home()) throw new BackendError("not_configured", "Chưa chọn xã, phường.");
    const items = this.news.slice(0, limit).map((n) => ({
      id: n.id,
      source: n.source,
      title: n.title,
      summary: n.summary,
      image: n.image,
      publishedAt: n.published_at,
    }));
    return { items, freshness: this.freshness() };
  }

  async getNews(id: string): Promise<NewsDetail> {
    const item = this.news.find((n) => n.id === id);
    if (!item) throw new BackendError("not_found", "Không tìm thấy tin này.");
    return { item, freshness: this.freshness() };
  }

  async getMedia(url: string): Promise<Media | null> {
    return this.media.get(url) ?? null;
  }

  async searchProcedures(q: ProcedureQuery): Promise<ProcedureResults> {
    const recorded = this.searches.get(searchKey(q));
    if (!recorded) {
      const filters = [q.level, q.field].filter((f) => f !== null && f !== "").join(", ");
      throw new BackendError(
        "internal",
        `Không có kết quả ghi sẵn cho «${q.text}»${filters ? ` (${filters})` : ""} trong dữ liệu mẫu (no fixture): ` +
          "thêm truy vấn vào tests/src/bin/record_ui_fixture.rs rồi chạy lại chương trình đó.",
      );
    }
    const limit = q.limit === 0 ? 50 : q.limit;
    return { ...recorded, hits: recorded.hits.slice(0, limit), freshness: this.freshness() };
  }

  async procedureHome(): Promise<ProcedureHome> {
    const hits = (codes: string[]) =>
      codes.flatMap((c) => {
        const p = this.procedure(c);
        return p ? [hitOf(p)] : [];
      });
    return {
      ...this.recorded.home,
      recent: hits(this.codes(K_RECENT).slice(0, RECENT_ON_HOME)),
      saved: hits(this.codes(K_SAVED)),
      freshness: this.freshness(),
    };
  }

  async procedureFacets(): Promise<ProcedureFacets> {
    return this.recorded.facets;
  }

  private procedure(code: string): Procedure | undefined {
    return this.recorded.procedures.find((p) => p.code === code);
  }

  /** A recorded procedure, or the core's not_found (naming the fixture, which holds only a few). */
  private knownProcedure(code: string): Procedure {
    const p = this.procedure(code);
    if (!p) {
      throw new BackendError(
        "not_found",
        `Không tìm thấy thủ tục này (dữ liệu mẫu chỉ ghi sẵn ${this.recorded.procedures.length} thủ tục; no fixture for ${code}).`,
      );
    }
    return p;
  }

  /** A list of procedure codes kept in storage, newest first. */
  private codes(key: string): string[] {
    const raw = this.storage.getItem(key);
    if (raw === null) return [];
    try {
      const v: unknown = JSON.parse(raw);
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
    } catch {
      return [];
    }
  }

  /** Puts `code` first in the list at `key` (or takes it out). */
  private putFirst(key: string, code: string, keep: boolean): void {
    const rest = this.codes(key).filter((c) => c !== code);
    this.storage.setItem(key, JSON.stringify(keep ? [code, ...rest] : rest));
  }

  private checked(code: string): number[] {
    const raw = this.storage.getItem(K_CHECKED + code);
    if (raw === null) return [];
    try {
      const v: unknown = JSON.parse(raw);
      return Array.isArray(v) ? v.filter((x): x is number => typeof x === "number") : [];
    } catch {
      return [];
    }
  }

  async getProcedure(code: string): Promise<ProcedureDetail> {
    const procedure = this.knownProcedure(code);
    const detail = {
      procedure,
      checked: this.checked(code),
      saved: this.codes(K_SAVED).includes(code),
      freshness: this.freshness(),
    };
    this.putFirst(K_RECENT, code, true);
    return detail;
  }

  async setProcedureSaved(code: string, saved: boolean): Promise<void> {
    if (saved) this.knownProcedure(code);
    this.putFirst(K_SAVED, code, saved);
  }

  async setDocumentChecked(code: string, index: number, checked: boolean): Promise<number[]> {
    const procedure = this.knownProcedure(code);
    if (!Number.isInteger(index) || index < 0 || index >= procedure.documents.length) {
      throw new BackendError("invalid_input", "Giấy tờ không hợp lệ.");
    }
    const set = new Set(this.checked(code));
    if (checked) set.add(index);
    else set.delete(index);
    const result = [...set].sort((a, b) => a - b);
    this.storage.setItem(K_CHECKED + code, JSON.stringify(result));
    return result;
  }

  async syncStatus(): Promise<SyncStatus> {
    const syncedAt = this.storage.getItem(K_SYNCED);
    const resources = [
      { resource: "units", syncedAt, count: this.units.length },
      { resource: "procedures", syncedAt, count: this.recorded.home.total },
    ];
    if (this.home()) resources.push({ resource: "news", syncedAt, count: this.news.length });
    return {
      resources,
      offline: this.offline,
      lastError: this.offline ? { code: "offline", message: "Không có kết nối mạng." } : null,
      pending: this.loadRequests().outbox.filter((r) => r.state === "pending" || r.state === "sending").length,
    };
  }

  private step(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.stepMs));
  }

  async getDataSaver(): Promise<boolean> {
    return this.storage.getItem(K_DATA_SAVER) === "1";
  }

  async setDataSaver(on: boolean): Promise<void> {
    this.storage.setItem(K_DATA_SAVER, on ? "1" : "0");
  }

  async syncNow(full = false): Promise<SyncReport> {
    if (this.offline) throw new BackendError("offline", "Không có kết nối mạng.");
    const deferred = !full && (await this.getDataSaver());
    // Like the core: send the outbox first, then pull (here: the demo status steps).
    const drain = await this.drainOutbox();
    const statusChanges = this.advanceStatuses();
    const plan: Array<[string, number, number]> = [["units", 1, 0]];
    if (!deferred) plan.push(["procedures", 3, 0]);
    if (this.home()) plan.push(["news", 1, this.news.length]);
    const report: SyncReport = { resources: [], drain, statusChanges, deferred };
    for (const [resource, pages, items] of plan) {
      for (let page = 1; page <= pages; page++) {
        this.emitProgress({ resource, page, items: page * 10, bytes: page * 40_000, done: false });
        await this.step();
      }
      this.emitProgress({ resource, page: pages, items, bytes: pages * 40_000, done: true });
      report.resources.push({ resource, pages, items, deleted: 0, notModified: items === 0 });
    }
    this.storage.setItem(K_SYNCED, this.now().toISOString());
    const status = await this.syncStatus();
    for (const cb of this.finishedListeners) cb(status);
    return report;
  }

  private emitProgress(p: SyncProgress): void {
    for (const cb of this.progressListeners) cb(p);
  }

  async onSyncProgress(cb: (p: SyncProgress) => void): Promise<Unsubscribe> {
    this.progressListeners.add(cb);
    return () => this.progressListeners.delete(cb);
  }

  async onSyncFinished(cb: (s: SyncStatus) => void): Promise<Unsubscribe> {
    this.finishedListeners.add(cb);
    return () => this.finishedListeners.delete(cb);
  }

  async getServerUrl(): Promise<string | null> {
    return this.storage.getItem(K_SERVER) ?? DEMO_SERVER;
  }

  /** Cached images: the fake holds none of its own, only the budget the UI sets
   *  (the core checks the range; the fake keeps what it is given). */
  async mediaUsage(): Promise<MediaUsage> {
    const budgetMb = Number(this.storage.getItem(K_MEDIA_BUDGET) ?? "100");
    const cleared = this.storage.getItem(K_MEDIA_CLEARED) === "1";
    return { images: cleared ? 0 : 12, usedKib: cleared ? 0 : 1840, budgetMb };
  }

  async setMediaBudget(megabytes: number): Promise<MediaUsage> {
    this.storage.setItem(K_MEDIA_BUDGET, String(megabytes));
    return this.mediaUsage();
  }

  async clearMedia(): Promise<MediaUsage> {
    this.storage.setItem(K_MEDIA_CLEARED, "1");
    return this.mediaUsage();
  }

  async getConnection(): Promise<ConnectionInfo> {
    return {
      serverUrl: await this.getServerUrl(),
      serverBuiltIn: false,
      apiKeyFingerprint: DEMO_KEY_FINGERPRINT,
      apiKeyBuiltIn: false,
    };
  }

  /** Only the demo server (with or without a trailing slash) "answers" its health
   *  check; anything else fails as the core does, and nothing is stored. */
  async setServerUrl(url: string): Promise<ConnectionInfo> {
    const wanted = url.trim().replace(/\/+$/, "");
    if (!/^https?:\/\/[^\s/]+/.test(wanted)) {
      throw new BackendError("invalid_input", "Địa chỉ máy chủ không hợp lệ (cần bắt đầu bằng http:// hoặc https://).");
    }
    if (this.offline || wanted !== DEMO_SERVER) {
      throw new BackendError(
        "invalid_input",
        `Không kết nối được tới máy chủ ${wanted}. Kiểm tra địa chỉ và kết nối mạng rồi thử lại.`,
      );
    }
    this.storage.setItem(K_SERVER, wanted);
    return this.getConnection();
  }

  // ---- phản ánh, kiến nghị ----

  private loadRequests(): RequestsState {
    const raw = this.storage.getItem(K_REQUESTS);
    if (raw !== null) {
      try {
        const v = JSON.parse(raw) as RequestsState;
        if (Array.isArray(v.outbox) && Array.isArray(v.mine) && Array.isArray(v.public)) return v;
      } catch {
        // corrupt: start again from the seed
      }
    }
    const state = this.seedRequests();
    this.saveRequests(state);
    return state;
  }

  private saveRequests(state: RequestsState): void {
    this.storage.setItem(K_REQUESTS, JSON.stringify(state));
  }

  /** One answered request and one overdue one of "mine", and three public ones in the ward. */
  private seedRequests(): RequestsState {
    const now = this.now().getTime();
    const at = (hoursAgo: number) => new Date(now - hoursAgo * HOUR).toISOString();
    const answered: FakeMine = {
      id: "1001",
      serviceCode: "chieu-sang-cong-cong",
      serviceName: "Chiếu sáng công cộng",
      description: "Đèn đường trước số 12 ngõ 45 không sáng ba hôm nay, buổi tối rất tối.",
      detailedStatus: "answered",
      agencyResponsible: "Phòng Kinh tế, Hạ tầng và Đô thị",
      officer: "Cán bộ Nguyễn Minh Anh",
      address: "Số 12 ngõ 45 Phan Đình Phùng",
      village: "Tổ dân phố số 3",
      lat: null,
      long: null,
      requestedAt: at(70),
      deadline: at(45),
      timeLeft: { workingMinutes: 0, overdue: true },
      timeline: [
        { status: "submitted", at: at(70), note: "", officer: null },
        { status: "received", at: at(66), note: "Đã chuyển đội điện chiếu sáng.", officer: "Cán bộ Nguyễn Minh Anh" },
        { status: "in_progress", at: at(50), note: "", officer: "Cán bộ Nguyễn Minh Anh" },
        { status: "answered", at: at(26), note: "Đã thay bóng đèn cột số 17.", officer: "Cán bộ Nguyễn Minh Anh" },
      ],
      answer: "Đội điện chiếu sáng đã thay bóng đèn cột số 17 ngõ 45 lúc 16 giờ. Cảm ơn bạn đã phản ánh.",
      rating: null,
      canRate: true,
      canReopen: true,
      pending: false,
    };
    const late: FakeMine = {
      id: "1002",
      serviceCode: "ve-sinh-moi-truong",
      serviceName: "Vệ sinh môi trường",
      description: "Rác tồn đọng ở đầu ngõ chợ hai ngày chưa thu gom.",
      detailedStatus: "in_progress",
      agencyResponsible: "Tổ vệ sinh môi trường phường",
      officer: "Cán bộ Lê Thu Hà",
      address: "Đầu ngõ chợ Châu Long",
      village: null,
      lat: null,
      long: null,
      requestedAt: at(200),
      deadline: at(150),
      timeLeft: { workingMinutes: 0, overdue: true },
      timeline: [
        { status: "submitted", at: at(200), note: "", officer: null },
        { status: "received", at: at(190), note: "", officer: "Cán bộ Lê Thu Hà" },
        { status: "in_progress", at: at(180), note: "Đã báo công ty môi trường.", officer: "Cán bộ Lê Thu Hà" },
      ],
      answer: null,
      rating: null,
      canRate: false,
      canReopen: false,
      pending: false,
    };
    const pub = (id: string, serviceName: string, text: string, status: DetailedStatus, hoursAgo: number, address: string, supportCount: number): PublicRequest => ({
      id,
      serviceName,
      excerpt: excerptOf(text),
      detailedStatus: status,
      requestedAt: at(hoursAgo),
      address,
      supportCount,
      lat: null,
      long: null,
    });
    return {
      nextOutboxId: 1,
      nextRequestId: 1003,
      outbox: [],
      mine: [answered, late],
      public: [
        pub("901", "Chiếu sáng công cộng", "Cả dãy đèn đường phố Quán Thánh tắt từ tối qua.", "received", 5, "Phố Quán Thánh", 4),
        pub("902", "Hạ tầng giao thông", "Ổ gà lớn giữa đường, xe máy dễ ngã khi trời mưa.", "in_progress", 30, "Đường Hoàng Hoa Thám", 7),
        pub("903", "Trật tự đô thị", "Hàng quán lấn chiếm hết vỉa hè, người đi bộ phải xuống lòng đường.", "submitted", 2, "Phố Đội Cấn", 1),
      ],
      supported: [],
    };
  }

  private queue(state: RequestsState, kind: FakeOutboxRow["kind"], summary: string, payload: FakeOutboxRow["payload"]): SubmitReceipt {
    const id = state.nextOutboxId++;
    const uuid = crypto.randomUUID();
    state.outbox.push({ id, uuid, kind, summary, state: "pending", attempts: 0, nextAttemptAt: null, lastError: null, remoteId: null, payload });
    return { outboxId: id, uuid };
  }

  private service(code: string): FakeService {
    const s = this.services.find((x) => x.service.service_code === code);
    if (!s) throw new BackendError("not_found", "Không tìm thấy lĩnh vực này.");
    return s;
  }

  async listServices(): Promise<Service[]> {
    return this.services.map((s) => s.service);
  }

  async getServiceDefinition(code: string): Promise<ServiceDefinition> {
    return this.service(code).definition;
  }

  async preparePhoto(dataBase64: string): Promise<PreparedPhoto> {
    const bytes = base64ToBytes(dataBase64);
    if (bytes === null) throw new BackendError("invalid_input", "Dữ liệu ảnh không hợp lệ.");
    if (bytes.length > MAX_PHOTO_BYTES) throw new BackendError("invalid_input", "Ảnh quá lớn.");
    const info = imageInfo(bytes);
    if (info === null) throw new BackendError("invalid_input", "Tệp không phải là ảnh.");
    const photo: PreparedPhoto = {
      id: `photo-${this.nextPhoto++}`,
      width: info.width,
      height: info.height,
      bytes: bytes.length,
      thumbDataUrl: `data:${info.mime};base64,${dataBase64}`,
    };
    this.photos.set(photo.id, photo);
    return photo;
  }

  async submitRequest(draft: RequestDraft): Promise<SubmitReceipt> {
    const svc = this.service(draft.serviceCode);
    for (const a of svc.definition.attributes) {
      const answer = draft.attributes.find((x) => x.code === a.code);
      if (a.required && (!answer || answer.values.length === 0)) {
        throw new BackendError("invalid_input", `Thiếu thông tin bắt buộc: ${a.description}.`);
      }
    }
    if (draft.description.trim() === "") throw new BackendError("invalid_input", "Thiếu nội dung phản ánh.");
    if ((draft.lat === null || draft.long === null) && (draft.address ?? "").trim() === "") {
      throw new BackendError("invalid_input", "Cần vị trí hoặc địa chỉ.");
    }
    if (draft.photoIds.length > 5) throw new BackendError("invalid_input", "Tối đa 5 ảnh.");
    const state = this.loadRequests();
    draft.photoIds.forEach((pid, i) => {
      const photo = this.photos.get(pid);
      if (!photo) throw new BackendError("invalid_input", "Ảnh không còn, hãy chọn lại.");
      this.queue(state, "upload", `Ảnh ${i + 1} — ${svc.service.service_name}`, { kind: "upload", photoId: pid, bytes: photo.bytes });
    });
    const receipt = this.queue(state, "request", `${svc.service.service_name}: ${excerptOf(draft.description)}`, {
      kind: "request",
      draft,
      requestedAt: this.now().toISOString(),
    });
    this.saveRequests(state);
    return receipt;
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    return this.loadRequests().outbox.map(({ payload: _payload, ...entry }) => entry);
  }

  async retryOutbox(id: bigint | number): Promise<void> {
    const state = this.loadRequests();
    const row = state.outbox.find((r) => Number(r.id) === Number(id));
    if (!row) throw { code: "not_found", message: "Không tìm thấy dữ liệu yêu cầu." };
    if (row.state !== "failed_permanent") {
      throw { code: "invalid_input", message: "Chỉ gửi lại được mục đã bị máy chủ từ chối." };
    }
    row.state = "pending";
    row.nextAttemptAt = null;
    this.saveRequests(state);
  }

  drainOutbox(): Promise<DrainReport> {
    // One drain at a time, like the core: a second call waits for the first.
    if (this.draining === null) {
      this.draining = this.drainOnce().finally(() => {
        this.draining = null;
      });
    }
    return this.draining;
  }

  private async drainOnce(): Promise<DrainReport> {
    const state = this.loadRequests();
    const rows = state.outbox.filter((r) => r.state === "pending" || r.state === "sending");
    if (this.offline) {
      for (const r of rows) {
        r.attempts += 1;
        r.lastError = OFFLINE;
        r.nextAttemptAt = new Date(this.now().getTime() + 2_000 * 2 ** Math.min(r.attempts, 7)).toISOString();
      }
      this.saveRequests(state);
      return { sent: 0, failedPermanent: 0, pending: rows.length, lastError: rows.length > 0 ? OFFLINE : null };
    }
    const totalBytes = rows.reduce((n, r) => n + (r.payload.kind === "upload" ? r.payload.bytes : 0), 0);
    let uploaded = 0;
    let sent = 0;
    for (const r of rows) {
      this.emitOutbox({ done: sent, total: rows.length, kind: r.kind, uploadedBytes: uploaded, totalBytes });
      await this.step();
      r.attempts += 1;
      if (r.payload.kind === "upload") uploaded += r.payload.bytes;
      this.apply(state, r);
      state.outbox = state.outbox.filter((x) => x.id !== r.id);
      sent += 1;
      this.saveRequests(state);
      this.emitOutbox({ done: sent, total: rows.length, kind: r.kind, uploadedBytes: uploaded, totalBytes });
    }
    return { sent, failedPermanent: 0, pending: 0, lastError: null };
  }

  /** What the server does with a row once it arrives. */
  private apply(state: RequestsState, row: FakeOutboxRow): void {
    const p = row.payload;
    const now = this.now();
    const mine = (id: string) => state.mine.find((m) => m.id === id);
    switch (p.kind) {
      case "upload":
        break;
      case "request": {
        const svc = this.service(p.draft.serviceCode);
        const id = String(state.nextRequestId++);
        state.mine.unshift({
          id,
          serviceCode: svc.service.service_code,
          serviceName: svc.service.service_name,
          description: p.draft.description,
          detailedStatus: "submitted",
          agencyResponsible: svc.agency,
          officer: null,
          address: p.draft.address,
          village: p.draft.village,
          lat: p.draft.lat,
          long: p.draft.long,
          requestedAt: now.toISOString(),
          // A new request has its whole deadline left; its date is only shown, so
          // the fake puts it the same number of clock hours ahead.
          deadline: new Date(now.getTime() + svc.deadlineHours * HOUR).toISOString(),
          timeLeft: { workingMinutes: svc.deadlineHours * 60, overdue: false },
          timeline: [{ status: "submitted", at: now.toISOString(), note: "", officer: null }],
          answer: null,
          rating: null,
          canRate: false,
          canReopen: false,
          pending: false,
        });
        break;
      }
      case "rating": {
        const m = mine(p.id);
        if (m) {
          m.rating = { stars: p.stars, comment: p.comment, at: now.toISOString() };
          m.canRate = false;
        }
        break;
      }
      case "reopen": {
        const m = mine(p.id);
        if (m) {
          m.detailedStatus = "received";
          m.timeline.push({ status: "received", at: now.toISOString(), note: `Mở lại: ${p.reason}`, officer: m.officer });
          m.canRate = false;
          m.canReopen = false;
        }
        break;
      }
      case "support":
        break;
    }
  }

  /** Demo: every sync moves each open request of mine one step further (đã gửi → … → đã trả lời). */
  private advanceStatuses(): RequestStatusChange[] {
    const changes: RequestStatusChange[] = [];
    const state = this.loadRequests();
    const now = this.now().toISOString();
    const officer = "Cán bộ Nguyễn Minh Anh";
    for (const m of state.mine) {
      let next: DetailedStatus | null = null;
      if (m.detailedStatus === "submitted") next = "received";
      else if (m.detailedStatus === "received" && m.id !== "1002") next = "in_progress";
      else if (m.detailedStatus === "in_progress" && m.id !== "1002") next = "answered";
      if (next === null) continue;
      m.detailedStatus = next;
      m.officer = officer;
      const note = next === "answered" ? "Đã xử lý xong, xem trả lời chính thức." : "";
      m.timeline.push({ status: next, at: now, note, officer });
      if (next === "answered") {
        m.answer = "Đơn vị đã kiểm tra hiện trường và xử lý xong. Cảm ơn bạn đã phản ánh.";
        m.canRate = m.rating === null;
        m.canReopen = true;
      }
      changes.push({ requestId: m.id, serviceName: m.serviceName, detailedStatus: next });
    }
    this.saveRequests(state);
    for (const c of changes) for (const cb of this.statusListeners) cb(c);
    return changes;
  }

  async listMyRequests(): Promise<MyRequestList> {
    const state = this.loadRequests();
    const queued: MyRequestSummary[] = state.outbox
      .filter((r) => r.payload.kind === "request")
      .reverse()
      .map((r) => {
        const p = r.payload as Extract<FakeOutboxRow["payload"], { kind: "request" }>;
        return {
          id: r.uuid,
          localUuid: r.uuid,
          serviceName: this.service(p.draft.serviceCode).service.service_name,
          excerpt: excerptOf(p.draft.description),
          detailedStatus: "queued",
          requestedAt: p.requestedAt,
          deadline: null,
          timeLeft: null,
          pending: true,
        };
      });
    const sent: MyRequestSummary[] = state.mine.map((m) => ({
      id: m.id,
      localUuid: null,
      serviceName: m.serviceName,
      excerpt: excerptOf(m.description),
      detailedStatus: m.detailedStatus,
      requestedAt: m.requestedAt,
      deadline: m.deadline,
      timeLeft: m.timeLeft,
      pending: state.outbox.some((r) => "id" in r.payload && r.payload.id === m.id),
    }));
    return { items: [...queued, ...sent], freshness: this.freshness() };
  }

  async getMyRequest(id: string): Promise<MyRequestDetail> {
    const state = this.loadRequests();
    const found = state.mine.find((m) => m.id === id);
    if (found) return toDetail(found, found.timeline.filter((e) => e.note.startsWith("Mở lại")).length);
    const row = state.outbox.find((r) => r.uuid === id && r.payload.kind === "request");
    if (row && row.payload.kind === "request") {
      const d = row.payload.draft;
      const svc = this.service(d.serviceCode);
      return toDetail({
        id,
        serviceCode: d.serviceCode,
        serviceName: svc.service.service_name,
        description: d.description,
        detailedStatus: "queued",
        agencyResponsible: svc.agency,
        officer: null,
        address: d.address,
        village: d.village,
        lat: d.lat,
        long: d.long,
        requestedAt: row.payload.requestedAt,
        deadline: null,
        timeLeft: null,
        timeline: [],
        answer: null,
        rating: null,
        canRate: false,
        canReopen: false,
        pending: true,
      }, 0);
    }
    throw new BackendError("not_found", "Không tìm thấy phản ánh này.");
  }

  async rateRequest(id: string, stars: number, comment: string | null): Promise<SubmitReceipt> {
    if (!Number.isInteger(stars) || stars < 1 || stars > 5) throw new BackendError("invalid_input", "Số sao phải từ 1 đến 5.");
    const state = this.loadRequests();
    const m = state.mine.find((x) => x.id === id);
    if (!m) throw new BackendError("not_found", "Không tìm thấy phản ánh này.");
    if (!m.canRate) throw new BackendError("invalid_input", "Phản ánh này chưa thể đánh giá.");
    const receipt = this.queue(state, "rating", `Đánh giá ${stars} sao — ${m.serviceName}`, { kind: "rating", id, stars, comment });
    // Local writes win: the resident sees the rating at once.
    m.rating = { stars, comment, at: this.now().toISOString() };
    m.canRate = false;
    this.saveRequests(state);
    return receipt;
  }

  async reopenRequest(id: string, reason: string): Promise<SubmitReceipt> {
    if (reason.trim() === "") throw new BackendError("invalid_input", "Cần nêu lý do mở lại.");
    const state = this.loadRequests();
    const m = state.mine.find((x) => x.id === id);
    if (!m) throw new BackendError("not_found", "Không tìm thấy phản ánh này.");
    if (!m.canReopen) throw new BackendError("invalid_input", "Chỉ mở lại được phản ánh đã trả lời hoặc đã đóng.");
    const receipt = this.queue(state, "reopen", `Mở lại — ${m.serviceName}`, { kind: "reopen", id, reason: reason.trim() });
    m.canReopen = false;
    m.canRate = false;
    this.saveRequests(state);
    return receipt;
  }

  async listPublicRequests(): Promise<PublicRequest[]> {
    if (!this.home()) throw new BackendError("not_configured", "Chưa chọn xã, phường.");
    return this.loadRequests().public;
  }

  async supportRequest(id: string): Promise<SubmitReceipt> {
    const state = this.loadRequests();
    const p = state.public.find((x) => x.id === id);
    if (!p) throw new BackendError("not_found", "Không tìm thấy phản ánh này.");
    if (state.supported.includes(id)) throw new BackendError("invalid_input", "Bạn đã bấm “Tôi cũng gặp” cho phản ánh này.");
    const receipt = this.queue(state, "support", `Tôi cũng gặp — ${p.serviceName}`, { kind: "support", id });
    state.supported.push(id);
    p.supportCount += 1;
    this.saveRequests(state);
    return receipt;
  }

  private emitOutbox(p: DrainProgress): void {
    for (const cb of this.outboxListeners) cb(p);
  }

  async onOutboxProgress(cb: (p: DrainProgress) => void): Promise<Unsubscribe> {
    this.outboxListeners.add(cb);
    return () => this.outboxListeners.delete(cb);
  }

  async onRequestStatusChanged(cb: (c: RequestStatusChange) => void): Promise<Unsubscribe> {
    this.statusListeners.add(cb);
    return () => this.statusListeners.delete(cb);
  }

  // ---- xe buýt: replays of bus.json; favourites persisted like the core's ----
  private readonly bus: RecordedBus = busJson as unknown as RecordedBus;

  async busStatus(): Promise<BusStatus> {
    return this.bus.status;
  }

  async busStops(query: string): Promise<BusStop[]> {
    const key = busKey(query);
    if (key === "") return [];
    const hit = Object.entries(this.bus.stops).find(([q]) => busKey(q) === key);
    if (!hit) throw noBusFixture(`«${query}»`);
    return hit[1];
  }

  async busNear(_lat: number, _lon: number, limit: number): Promise<BusStop[]> {
    return this.bus.near.slice(0, limit);
  }

  async busDepartures(stopId: string, _at: string | null, limit: number): Promise<BusDepartures> {
    const board = this.bus.departures[stopId];
    if (!board) throw noBusFixture(`điểm dừng ${stopId}`);
    return { ...board, departures: board.departures.slice(0, limit) };
  }

  async busRoute(routeId: string, _at: string | null): Promise<BusRoute> {
    const route = this.bus.routes[routeId];
    if (!route) throw noBusFixture(`tuyến ${routeId}`);
    return route;
  }

  async busJourney(from: string, to: string, _options: JourneyOptions): Promise<BusJourney[]> {
    const found = this.bus.journeys[`${from}>${to}`];
    if (!found) throw noBusFixture(`hành trình ${from} → ${to}`);
    return found;
  }

  private loadBusFavourites(): BusFavourite[] {
    try {
      return JSON.parse(this.storage.getItem(K_BUS_FAVOURITES) ?? "[]") as BusFavourite[];
    } catch {
      return [];
    }
  }

  async setBusFavourite(kind: string, key: string, label: string, on: boolean): Promise<void> {
    if (kind !== "stop" && kind !== "journey") throw new BackendError("invalid_input", "Dữ liệu nhập vào không hợp lệ.");
    const rest = this.loadBusFavourites().filter((f) => !(f.kind === kind && f.key === key));
    const next = on ? [{ kind, key, label }, ...rest] : rest;
    this.storage.setItem(K_BUS_FAVOURITES, JSON.stringify(next));
  }

  async busFavourites(): Promise<BusFavourite[]> {
    return this.loadBusFavourites();
  }
  // ---- officials and announcements: the browser preview has no server, so it holds
  // no announcement and no official can log in; official tools answer as the core
  // does without a session (not_logged_in). ----

  async getOfficialSession(): Promise<OfficialSession | null> {
    return null;
  }

  async login(_username: string, _password: string): Promise<OfficialSession> {
    throw new BackendError("offline", "Không có kết nối mạng. Đang hiển thị dữ liệu đã lưu.");
  }

  async logout(): Promise<void> {}

  async listAnnouncements(): Promise<AnnouncementList> {
    const home = this.home();
    if (!home) throw new BackendError("not_configured", "Chưa chọn xã/phường nơi bạn sống.");
    return { unit: home.code, items: [], freshness: this.freshness() };
  }

  async refreshAnnouncements(): Promise<AnnouncementList> {
    return this.listAnnouncements();
  }

  async ackAnnouncement(_id: string, kind: AckKind, reason: string | null): Promise<SubmitReceipt | null> {
    if (kind === "not_going" && !reason?.trim()) {
      throw new BackendError("invalid_input", "Cần ghi lý do khi không tham gia được.");
    }
    throw new BackendError("not_found", "Không tìm thấy thông báo.");
  }

  /** The fake caches no announcements (the core's answer for an unknown id). */
  async exportAnnouncementIcs(): Promise<string> {
    throw new BackendError("not_found", "Không tìm thấy dữ liệu yêu cầu.");
  }

  async shareAnnouncement(): Promise<AnnouncementShare> {
    throw new BackendError("not_found", "Không tìm thấy dữ liệu yêu cầu.");
  }

  async ackForHousehold(): Promise<void> {
    throw notLoggedIn();
  }

  async officialAnnouncements(): Promise<OfficialAnnouncement[]> {
    throw notLoggedIn();
  }

  async draftAnnouncement(_fields: DraftFields): Promise<DraftOutcome> {
    throw notLoggedIn();
  }

  async prepareDocument(): Promise<PreparedDocument> {
    throw notLoggedIn();
  }

  async saveAnnouncementFile(): Promise<string> {
    throw new BackendError("not_found", "Không tìm thấy dữ liệu yêu cầu.");
  }

  async submitAnnouncement(): Promise<OfficialAnnouncement> {
    throw notLoggedIn();
  }

  async approveAnnouncement(): Promise<OfficialAnnouncement> {
    throw notLoggedIn();
  }

  async returnAnnouncement(): Promise<OfficialAnnouncement> {
    throw notLoggedIn();
  }

  async officerInbox(): Promise<InboxItem[]> {
    throw notLoggedIn();
  }

  async answerRequest(): Promise<OfficerRequest> {
    throw notLoggedIn();
  }

  async issueAlert(): Promise<Alert[]> {
    throw notLoggedIn();
  }

  async postBulletin(): Promise<Bulletin[]> {
    throw notLoggedIn();
  }

  async assignRequest(): Promise<OfficerRequest> {
    throw notLoggedIn();
  }

  async announcementHouseholds(): Promise<UnitHouseholds[]> {
    throw notLoggedIn();
  }

  async officialReach(): Promise<Reach> {
    throw notLoggedIn();
  }
}

/** The core's answer to an official tool used without a session. */
function notLoggedIn(): BackendError {
  return new BackendError("not_logged_in", "Cần đăng nhập tài khoản cán bộ (phiên đã hết hạn hoặc chưa đăng nhập).");
}
