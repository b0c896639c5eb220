// In-memory stand-in for the Rust core, seeded from fixture.json (a small slice of the real
// data: units.csv, the procedure catalogue and a VnExpress feed). Used by the browser e2e
// tests and for UI work without Rust. It mimics the core's contracts: the same errors,
// the same search folding, ticks and home unit persisted (here in localStorage).
import type { Backend, Unsubscribe } from "../backend";
import { BackendError } from "../errors";
import { fold, matchesQuery } from "../fold";
import type {
  Facet,
  Freshness,
  HomeUnit,
  Media,
  NewsDetail,
  NewsItem,
  NewsList,
  Procedure,
  ProcedureDetail,
  ProcedureFacets,
  ProcedureQuery,
  ProcedureResults,
  SyncProgress,
  SyncReport,
  SyncStatus,
  Unit,
} from "../models";
import fixtureJson from "./fixture.json";

/** Shape of fixture.json. */
export type Fixture = { units: Unit[]; procedures: Procedure[]; news: NewsItem[] };

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
  /** Delay between sync progress events, in ms (0 in unit tests). */
  syncStepMs?: number;
};

const K_HOME = "congdan.fake.home";
const K_SYNCED = "congdan.fake.syncedAt";
const K_CHECKED = "congdan.fake.checked.";
const HOUR = 3_600_000;

function colorSvg(label: string, hue: number): Media {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="180" height="108" viewBox="0 0 180 108">` +
    `<rect width="180" height="108" fill="hsl(${hue},45%,42%)"/>` +
    `<text x="90" y="62" font-size="20" text-anchor="middle" fill="#fff" font-family="sans-serif">${label}</text></svg>`;
  return { mime: "image/svg+xml", dataUrl: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` };
}

const collator = new Intl.Collator("vi");

/** The in-memory fake backend. */
export class FakeBackend implements Backend {
  private readonly units: Unit[];
  private readonly procedures: Procedure[];
  private readonly news: NewsItem[];
  private readonly media = new Map<string, Media>();
  private readonly storage: KeyValueStore;
  private readonly now: () => Date;
  private readonly offline: boolean;
  private readonly stepMs: number;
  private readonly progressListeners = new Set<(p: SyncProgress) => void>();
  private readonly finishedListeners = new Set<(s: SyncStatus) => void>();

  constructor(opts: FakeOptions) {
    const fixture = opts.fixture ?? (fixtureJson as Fixture);
    this.storage = opts.storage;
    this.now = opts.now ?? (() => new Date());
    this.offline = opts.offline ?? false;
    this.stepMs = opts.syncStepMs ?? 250;
    this.units = fixture.units;
    this.procedures = fixture.procedures;
    // The captured feed is from 2017: move it so the newest item is two hours old,
    // keeping the gaps between items, so relative times look like a live feed.
    const newest = Math.max(...fixture.news.map((n) => Date.parse(n.published_at)));
    const shift = this.now().getTime() - 2 * HOUR - newest;
    this.news = fixture.news
      .map((n, i) => ({ ...n, published_at: new Date(Date.parse(n.published_at) + shift - i * 20 * HOUR).toISOString() }))
      .sort((a, b) => Date.parse(b.published_at) - Date.parse(a.published_at));
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

  async listProvinces(): Promise<Unit[]> {
    return this.units.filter((u) => u.level === "province").sort((a, b) => collator.compare(a.name, b.name));
  }

  async listCommunes(provinceCode: string): Promise<Unit[]> {
    return this.units
      .filter((u) => u.level === "commune" && u.parent === provinceCode)
      .sort((a, b) => collator.compare(a.name, b.name));
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
    const text = q.text.trim();
    const scored: Array<{ p: Procedure; score: number }> = [];
    for (const p of this.procedures) {
      if (q.level !== null && !p.levels.includes(q.level)) continue;
      if (q.field !== null && p.field !== q.field) continue;
      let score = 0;
      if (text !== "") {
        // Names rank above other text, as in the core's FTS ranking.
        if (matchesQuery(p.name, text)) score = fold(p.name).startsWith(fold(text)) ? 3 : 2;
        else if (matchesQuery(`${p.name} ${p.field} ${p.agency}`, text)) score = 1;
        else continue;
      }
      scored.push({ p, score });
    }
    scored.sort((a, b) => b.score - a.score || collator.compare(a.p.name, b.p.name));
    const hits = scored
      .slice(0, q.limit)
      .map(({ p }) => ({ code: p.code, name: p.name, field: p.field, levels: p.levels }));
    return { hits, total: scored.length, freshness: this.freshness() };
  }

  async procedureFacets(): Promise<ProcedureFacets> {
    const count = (values: string[]): Facet[] => {
      const m = new Map<string, number>();
      for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
      return [...m].map(([value, n]) => ({ value, count: n })).sort((a, b) => collator.compare(a.value, b.value));
    };
    return {
      levels: count(this.procedures.flatMap((p) => p.levels)),
      fields: count(this.procedures.map((p) => p.field)),
    };
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
    const procedure = this.procedures.find((p) => p.code === code);
    if (!procedure) throw new BackendError("not_found", "Không tìm thấy thủ tục này.");
    return { procedure, checked: this.checked(code), freshness: this.freshness() };
  }

  async setDocumentChecked(code: string, index: number, checked: boolean): Promise<number[]> {
    const procedure = this.procedures.find((p) => p.code === code);
    if (!procedure) throw new BackendError("not_found", "Không tìm thấy thủ tục này.");
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
      { resource: "procedures", syncedAt, count: this.procedures.length },
    ];
    if (this.home()) resources.push({ resource: "news", syncedAt, count: this.news.length });
    return {
      resources,
      offline: this.offline,
      lastError: this.offline ? { code: "offline", message: "Không có kết nối mạng." } : null,
    };
  }

  private step(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.stepMs));
  }

  async syncNow(): Promise<SyncReport> {
    if (this.offline) throw new BackendError("offline", "Không có kết nối mạng.");
    const plan: Array<[string, number, number]> = [
      ["units", 1, 0],
      ["procedures", 3, 0],
    ];
    if (this.home()) plan.push(["news", 1, this.news.length]);
    const report: SyncReport = { resources: [] };
    for (const [resource, pages, items] of plan) {
      for (let page = 1; page <= pages; page++) {
        this.emitProgress({ resource, page, items: page * 10, done: false });
        await this.step();
      }
      this.emitProgress({ resource, page: pages, items, done: true });
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

  serverUrl(): string | null {
    return "http://127.0.0.1:8080";
  }
}
