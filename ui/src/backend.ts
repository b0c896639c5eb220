// The UI's one door to Rust. `Backend` has one method per Tauri command of src-tauri plus
// the two sync events. TauriBackend is the ONLY code that calls invoke/listen; the
// FakeBackend (./fake/fakeBackend.ts) serves browser tests and UI work without Rust.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { toBackendError } from "./errors";
import type {
  HomeUnit,
  Media,
  NewsDetail,
  NewsList,
  ProcedureDetail,
  ProcedureFacets,
  ProcedureQuery,
  ProcedureResults,
  SyncProgress,
  SyncReport,
  SyncStatus,
  Unit,
} from "./models";

/** Stops listening to an event. */
export type Unsubscribe = () => void;

/** Everything the UI may ask of the client core. All methods reject with BackendError. */
export interface Backend {
  /** The chosen home commune, or null before onboarding. */
  getHomeUnit(): Promise<HomeUnit | null>;
  /** Chooses the home commune (must be a synced commune). */
  setHomeUnit(code: string): Promise<HomeUnit>;
  /** All provinces, sorted by Vietnamese name. */
  listProvinces(): Promise<Unit[]>;
  /** Communes and wards of a province. */
  listCommunes(provinceCode: string): Promise<Unit[]>;
  /** The home unit's news, newest first. */
  listNews(limit: number): Promise<NewsList>;
  /** One article. */
  getNews(id: string): Promise<NewsDetail>;
  /** A cached image as a data URL, or null when not cached. */
  getMedia(url: string): Promise<Media | null>;
  /** Full-text search over the procedure catalogue. */
  searchProcedures(query: ProcedureQuery): Promise<ProcedureResults>;
  /** Levels and fields with counts, for the filters. */
  procedureFacets(): Promise<ProcedureFacets>;
  /** One procedure with the user's ticked documents. */
  getProcedure(code: string): Promise<ProcedureDetail>;
  /** Ticks or unticks a document; returns all ticked indexes. */
  setDocumentChecked(code: string, index: number, checked: boolean): Promise<number[]>;
  /** Per-resource sync state. */
  syncStatus(): Promise<SyncStatus>;
  /** Syncs now; progress arrives through onSyncProgress. */
  syncNow(): Promise<SyncReport>;
  /** Listens to "sync-progress". */
  onSyncProgress(cb: (p: SyncProgress) => void): Promise<Unsubscribe>;
  /** Listens to "sync-finished" (also sent after background syncs started by Rust). */
  onSyncFinished(cb: (s: SyncStatus) => void): Promise<Unsubscribe>;
  /** The configured server URL, for display only (null when unknown). */
  serverUrl(): string | null;
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (err) {
    throw toBackendError(err);
  }
}

/** The real backend: Tauri commands and events of src-tauri. */
export class TauriBackend implements Backend {
  getHomeUnit(): Promise<HomeUnit | null> {
    return call("get_home_unit");
  }
  setHomeUnit(code: string): Promise<HomeUnit> {
    return call("set_home_unit", { code });
  }
  listProvinces(): Promise<Unit[]> {
    return call("list_provinces");
  }
  listCommunes(provinceCode: string): Promise<Unit[]> {
    return call("list_communes", { provinceCode });
  }
  listNews(limit: number): Promise<NewsList> {
    return call("list_news", { limit });
  }
  getNews(id: string): Promise<NewsDetail> {
    return call("get_news", { id });
  }
  getMedia(url: string): Promise<Media | null> {
    return call("get_media", { url });
  }
  searchProcedures(query: ProcedureQuery): Promise<ProcedureResults> {
    return call("search_procedures", { query });
  }
  procedureFacets(): Promise<ProcedureFacets> {
    return call("procedure_facets");
  }
  getProcedure(code: string): Promise<ProcedureDetail> {
    return call("get_procedure", { code });
  }
  setDocumentChecked(code: string, index: number, checked: boolean): Promise<number[]> {
    return call("set_document_checked", { code, index, checked });
  }
  syncStatus(): Promise<SyncStatus> {
    return call("sync_status");
  }
  syncNow(): Promise<SyncReport> {
    return call("sync_now");
  }
  async onSyncProgress(cb: (p: SyncProgress) => void): Promise<Unsubscribe> {
    return listen<SyncProgress>("sync-progress", (e) => cb(e.payload));
  }
  async onSyncFinished(cb: (s: SyncStatus) => void): Promise<Unsubscribe> {
    return listen<SyncStatus>("sync-finished", (e) => cb(e.payload));
  }
  serverUrl(): string | null {
    // No command exposes it yet; see ui/README.md "What is left".
    return null;
  }
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Picks the backend at start: Tauri when present, else the in-memory fake. */
export async function chooseBackend(): Promise<Backend> {
  if (inTauri()) return new TauriBackend();
  const { FakeBackend } = await import("./fake/fakeBackend");
  const params = new URLSearchParams(window.location.search);
  return new FakeBackend({ offline: params.get("fake") === "offline", storage: window.localStorage });
}
