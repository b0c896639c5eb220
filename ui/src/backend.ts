// The UI's one door to Rust. `Backend` has one method per Tauri command of src-tauri plus
// its events (sync, outbox progress, request status changes). TauriBackend is the ONLY
// code that calls invoke/listen; the FakeBackend (./fake/fakeBackend.ts) serves browser
// tests and UI work without Rust.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { toBackendError } from "./errors";
import type {
  BusDepartures,
  BusFavourite,
  BusJourney,
  BusRoute,
  BusStatus,
  BusStop,
  JourneyOptions,
  ConnectionInfo,
  MediaUsage,
  DrainProgress,
  DrainReport,
  HomeUnit,
  HomeVillage,
  Media,
  MyRequestDetail,
  MyRequestList,
  NewsDetail,
  NewsList,
  Alert,
  Bulletin,
  BulletinInput,
  AlertInput,
  AlertList,
  BulletinView,
  OutageList,
  OutageReminder,
  OutboxEntry,
  PreparedPhoto,
  ProcedureDetail,
  ProcedureFacets,
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
  Unit,
  UnitHouseholds,
  AckKind,
  AnnouncementList,
  DraftFields,
  DraftOutcome,
  PreparedDocument,
  AnnouncementShare,
  AssignInput,
  InboxItem,
  OfficialAnnouncement,
  OfficialSession,
  OfficerRequest,
  Reach,
} from "./models";

/** Stops listening to an event. */
export type Unsubscribe = () => void;

/** Everything the UI may ask of the client core. All methods reject with BackendError. */
export interface Backend {
  /** The chosen home commune, or null before onboarding. */
  getHomeUnit(): Promise<HomeUnit | null>;
  /** Chooses the home commune (one not synced yet is asked of the server). */
  setHomeUnit(code: string): Promise<HomeUnit>;
  /** The home commune's villages (thôn, tổ dân phố), asked of the server. */
  listVillages(): Promise<HomeVillage[]>;
  /** The chosen village, or null for the commune alone. */
  getHomeVillage(): Promise<HomeVillage | null>;
  /** Chooses a village of the home commune (null: the commune alone). */
  setHomeVillage(code: string | null): Promise<HomeVillage | null>;
  /** All provinces, sorted by Vietnamese name (from the server until units are synced). */
  listProvinces(): Promise<Unit[]>;
  /** Communes and wards of a province (from the server until units are synced). */
  listCommunes(provinceCode: string): Promise<Unit[]>;
  /** The home unit's news, newest first. */
  listNews(limit: number): Promise<NewsList>;
  /** One article. */
  getNews(id: string): Promise<NewsDetail>;
  /** A cached image as a data URL, or null when not cached. */
  getMedia(url: string): Promise<Media | null>;
  /** The home unit's alerts: active ones most severe first, then the history. */
  listAlerts(): Promise<AlertList>;
  /** Listens to "alerts-changed" (a long poll brought a new or changed alert). */
  onAlertsChanged(cb: (list: AlertList) => void): Promise<Unsubscribe>;
  /** A system notification (shown by the OS, also when the window is hidden);
   * false where there is none, and the in-app text stands alone. */
  notify(title: string, body: string): Promise<boolean>;
  /** The home unit's latest epidemic bulletin, its trend and vaccination places (nearest first with a position). */
  bulletins(near?: { lat: number; lon: number }): Promise<BulletinView>;
  /** The home unit's planned power cuts that have not ended, earliest first (cancelled ones marked). */
  listOutages(): Promise<OutageList>;
  /** Reminders still ahead (the evening before, an hour before), soonest first. */
  outageReminders(): Promise<OutageReminder[]>;
  /** Writes the cuts as an .ics calendar file; resolves to its path. */
  exportOutagesIcs(): Promise<string>;
  /** Searches the procedure catalogue the way residents ask; `weak` when nothing matches well. */
  searchProcedures(query: ProcedureQuery): Promise<ProcedureResults>;
  /** The opening screen of Thủ tục: most asked, life events, recent and saved procedures. */
  procedureHome(): Promise<ProcedureHome>;
  /** Levels and fields with counts, for the filters. */
  procedureFacets(): Promise<ProcedureFacets>;
  /** One procedure with the user's ticked documents and whether it is saved (records the visit). */
  getProcedure(code: string): Promise<ProcedureDetail>;
  /** Saves or unsaves a procedure for "Đã lưu"; not_found when saving an unknown one. */
  setProcedureSaved(code: string, saved: boolean): Promise<void>;
  /** Ticks or unticks a document; returns all ticked indexes. */
  setDocumentChecked(code: string, index: number, checked: boolean): Promise<number[]>;
  /** Per-resource sync state. */
  syncStatus(): Promise<SyncStatus>;
  /** Syncs now; progress arrives through onSyncProgress. `full`: images and the
   *  catalogue even with the data saver on (the user asked). */
  syncNow(full?: boolean): Promise<SyncReport>;
  /** Whether syncs leave images and the catalogue for a full sync (cellular). */
  getDataSaver(): Promise<boolean>;
  /** Turns the data saver on or off. */
  setDataSaver(on: boolean): Promise<void>;
  /** Listens to "sync-progress". */
  onSyncProgress(cb: (p: SyncProgress) => void): Promise<Unsubscribe>;
  /** Listens to "sync-finished" (also sent after background syncs started by Rust). */
  onSyncFinished(cb: (s: SyncStatus) => void): Promise<Unsubscribe>;
  /** The configured server URL, for display only (null when none is set). */
  getServerUrl(): Promise<string | null>;
  /** The server and API key (its fingerprint, never the key) the app uses. */
  getConnection(): Promise<ConnectionInfo>;
  /** Points the app at another server once it answered GET /api/v1/health; rejects
   *  with `invalid_input` and a Vietnamese message, changing nothing, when it did not. */
  setServerUrl(url: string): Promise<ConnectionInfo>;
  /** Cached images: how many, the room they take, the budget (MB). */
  mediaUsage(): Promise<MediaUsage>;
  /** Sets the image budget (10–4000 MB; `invalid_input` otherwise); the oldest images beyond it go. */
  setMediaBudget(megabytes: number): Promise<MediaUsage>;
  /** Deletes every cached image (the next syncs fetch them again). */
  clearMedia(): Promise<MediaUsage>;

  // ---- phản ánh, kiến nghị (Open311 service requests) ----
  /** Services residents can send requests to (cached for offline use). */
  listServices(): Promise<Service[]>;
  /** The form of one service (cached); not_found when unknown. */
  getServiceDefinition(code: string): Promise<ServiceDefinition>;
  /** Decodes, resizes and stores a photo (base64 of the file bytes); invalid_input for non-images or too large. */
  preparePhoto(dataBase64: string): Promise<PreparedPhoto>;
  /** Validates and queues a request in the outbox; resolves after the local commit, never touches the network. */
  submitRequest(draft: RequestDraft): Promise<SubmitReceipt>;
  /** The outbox (hàng chờ gửi), in send order. */
  listOutbox(): Promise<OutboxEntry[]>;
  /** Sends what the outbox holds now; progress arrives through onOutboxProgress. */
  drainOutbox(): Promise<DrainReport>;
  /** "Thử lại": puts a refused row back in line (send it with drainOutbox). */
  retryOutbox(id: bigint | number): Promise<void>;
  /** My requests, newest first, queued ones included. */
  listMyRequests(): Promise<MyRequestList>;
  /** One of my requests with its timeline. */
  getMyRequest(id: string): Promise<MyRequestDetail>;
  /** Rates an answer (1–5 stars); queued in the outbox. */
  rateRequest(id: string, stars: number, comment: string | null): Promise<SubmitReceipt>;
  /** Reopens an answered/closed request with a reason; queued in the outbox. */
  reopenRequest(id: string, reason: string): Promise<SubmitReceipt>;
  /** Public requests of the home ward (cached). */
  listPublicRequests(): Promise<PublicRequest[]>;
  /** "Tôi cũng gặp" on a public request; queued in the outbox. */
  supportRequest(id: string): Promise<SubmitReceipt>;
  /** Listens to "outbox-progress". */
  onOutboxProgress(cb: (p: DrainProgress) => void): Promise<Unsubscribe>;
  /** Listens to "request-status-changed". */
  onRequestStatusChanged(cb: (c: RequestStatusChange) => void): Promise<Unsubscribe>;

  // ---- xe buýt (issue 8), all from the network stored on the device ----
  /** Which network is stored and when it was updated. */
  busStatus(): Promise<BusStatus>;
  /** Stops by name, code or street, with or without diacritics. */
  busStops(query: string): Promise<BusStop[]>;
  /** The stops nearest to a point, nearest first. */
  busNear(lat: number, lon: number, limit: number): Promise<BusStop[]>;
  /** Next departures from a stop after `at` (RFC 3339 or local "YYYY-MM-DDTHH:MM"; null = now). */
  busDepartures(stopId: string, at: string | null, limit: number): Promise<BusDepartures>;
  /** A route: both directions, drawing and the day's timetable. */
  busRoute(routeId: string, at: string | null): Promise<BusRoute>;
  /** Journeys from one stop to another, earliest arrival first; [] when none. */
  busJourney(from: string, to: string, options: JourneyOptions): Promise<BusJourney[]>;
  /** Saves or removes a favourite stop ("stop", stop_id) or journey ("journey", "FROM>TO"). */
  setBusFavourite(kind: string, key: string, label: string, on: boolean): Promise<void>;
  /** Favourite stops and journeys, latest first. */
  busFavourites(): Promise<BusFavourite[]>;
  // ---- cán bộ, thông báo (officials and announcements) ----
  /** The logged-in official, or null: official screens show only for a session with a role. */
  getOfficialSession(): Promise<OfficialSession | null>;
  /** Logs in (bad_credentials, login_locked); the token stays in the credential store. */
  login(username: string, password: string): Promise<OfficialSession>;
  /** Logs out. */
  logout(): Promise<void>;
  /** The household unit's announcements from the cache. */
  listAnnouncements(): Promise<AnnouncementList>;
  /** Asks the server now, then the cache (freshness.offline when unreachable). */
  refreshAnnouncements(): Promise<AnnouncementList>;
  /** A resident's answer (not_going needs a reason); queued in the outbox. */
  ackAnnouncement(id: string, kind: AckKind, reason: string | null): Promise<SubmitReceipt | null>;
  /** An official records a household's answer on its behalf. */
  ackForHousehold(id: string, kind: AckKind, reason: string | null, household: string, unit: string | null): Promise<void>;
  /** The official's announcements and those under review in their units, with counts. */
  officialAnnouncements(): Promise<OfficialAnnouncement[]>;
  /** Saves a draft (to the outbox when offline). */
  draftAnnouncement(fields: DraftFields): Promise<DraftOutcome>;
  /** Keeps a PDF (base64 of the file) for a draft; invalid_input when it is not a PDF or over 8 MB. */
  prepareDocument(dataBase64: string): Promise<PreparedDocument>;
  /** Writes a cached announcement's photo or PDF to the download folder; its path. */
  saveAnnouncementFile(id: string, url: string): Promise<string>;
  /** Sends the author's draft for review. */
  submitAnnouncement(id: string): Promise<OfficialAnnouncement>;
  /** Publishes a submitted announcement (editor, admin). */
  approveAnnouncement(id: string): Promise<OfficialAnnouncement>;
  /** Returns a submitted announcement with a comment (editor, admin). */
  returnAnnouncement(id: string, comment: string): Promise<OfficialAnnouncement>;
  /** The officer inbox: new, overdue, due soon first. */
  officerInbox(): Promise<InboxItem[]>;
  /** Answers a request of the officer's unit. */
  answerRequest(id: string, text: string): Promise<OfficerRequest>;
  /** Issues a CAP alert for units the officer covers (online); the stored rows. */
  issueAlert(input: AlertInput): Promise<Alert[]>;
  /** Posts an epidemic bulletin for units the officer covers (officer, admin); the stored rows. */
  postBulletin(input: BulletinInput): Promise<Bulletin[]>;
  /** Writes a cached announcement's event as an .ics file; its path. */
  exportAnnouncementIcs(id: string): Promise<string>;
  /** The public link of a cached announcement and its QR code (SVG). */
  shareAnnouncement(id: string): Promise<AnnouncementShare>;
  /** For its author: households not yet reached per unit. */
  announcementHouseholds(id: string): Promise<UnitHouseholds[]>;
  /** Routes a request to another unit, or assigns it to an officer of its unit (exactly one). */
  assignRequest(id: string, input: AssignInput): Promise<OfficerRequest>;
  /** Reach figures of the official's unit by week. */
  officialReach(): Promise<Reach>;
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
  listVillages(): Promise<HomeVillage[]> {
    return call("list_villages");
  }
  getHomeVillage(): Promise<HomeVillage | null> {
    return call("get_home_village");
  }
  setHomeVillage(code: string | null): Promise<HomeVillage | null> {
    return call("set_home_village", { code });
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
  listAlerts(): Promise<AlertList> {
    return call("list_alerts");
  }
  async onAlertsChanged(cb: (list: AlertList) => void): Promise<Unsubscribe> {
    return listen<AlertList>("alerts-changed", (e) => cb(e.payload));
  }
  notify(title: string, body: string): Promise<boolean> {
    return call("notify", { title, body });
  }
  bulletins(near?: { lat: number; lon: number }): Promise<BulletinView> {
    return call("bulletins", { lat: near?.lat ?? null, lon: near?.lon ?? null });
  }
  listOutages(): Promise<OutageList> {
    return call("list_outages");
  }
  outageReminders(): Promise<OutageReminder[]> {
    return call("outage_reminders");
  }
  exportOutagesIcs(): Promise<string> {
    return call("export_outages_ics");
  }
  searchProcedures(query: ProcedureQuery): Promise<ProcedureResults> {
    return call("search_procedures", { query });
  }
  procedureHome(): Promise<ProcedureHome> {
    return call("procedure_home");
  }
  procedureFacets(): Promise<ProcedureFacets> {
    return call("procedure_facets");
  }
  getProcedure(code: string): Promise<ProcedureDetail> {
    return call("get_procedure", { code });
  }
  setProcedureSaved(code: string, saved: boolean): Promise<void> {
    return call("set_procedure_saved", { code, saved });
  }
  setDocumentChecked(code: string, index: number, checked: boolean): Promise<number[]> {
    return call("set_document_checked", { code, index, checked });
  }
  syncStatus(): Promise<SyncStatus> {
    return call("sync_status");
  }
  syncNow(full = false): Promise<SyncReport> {
    return call("sync_now", { full });
  }
  getDataSaver(): Promise<boolean> {
    return call("get_data_saver");
  }
  setDataSaver(on: boolean): Promise<void> {
    return call("set_data_saver", { on });
  }
  async onSyncProgress(cb: (p: SyncProgress) => void): Promise<Unsubscribe> {
    return listen<SyncProgress>("sync-progress", (e) => cb(e.payload));
  }
  async onSyncFinished(cb: (s: SyncStatus) => void): Promise<Unsubscribe> {
    return listen<SyncStatus>("sync-finished", (e) => cb(e.payload));
  }
  getServerUrl(): Promise<string | null> {
    return call("get_server_url");
  }
  getConnection(): Promise<ConnectionInfo> {
    return call("get_connection");
  }
  setServerUrl(url: string): Promise<ConnectionInfo> {
    return call("set_server_url", { url });
  }
  mediaUsage(): Promise<MediaUsage> {
    return call("media_usage");
  }
  setMediaBudget(megabytes: number): Promise<MediaUsage> {
    return call("set_media_budget", { megabytes });
  }
  clearMedia(): Promise<MediaUsage> {
    return call("clear_media");
  }
  listServices(): Promise<Service[]> {
    return call("list_services");
  }
  getServiceDefinition(code: string): Promise<ServiceDefinition> {
    return call("get_service_definition", { code });
  }
  preparePhoto(dataBase64: string): Promise<PreparedPhoto> {
    return call("prepare_photo", { dataBase64 });
  }
  submitRequest(draft: RequestDraft): Promise<SubmitReceipt> {
    return call("submit_request", { draft });
  }
  listOutbox(): Promise<OutboxEntry[]> {
    return call("list_outbox");
  }
  drainOutbox(): Promise<DrainReport> {
    return call("drain_outbox");
  }
  retryOutbox(id: bigint | number): Promise<void> {
    return call("retry_outbox", { id: Number(id) });
  }
  listMyRequests(): Promise<MyRequestList> {
    return call("list_my_requests");
  }
  getMyRequest(id: string): Promise<MyRequestDetail> {
    return call("get_my_request", { id });
  }
  rateRequest(id: string, stars: number, comment: string | null): Promise<SubmitReceipt> {
    return call("rate_request", { id, stars, comment });
  }
  reopenRequest(id: string, reason: string): Promise<SubmitReceipt> {
    return call("reopen_request", { id, reason });
  }
  listPublicRequests(): Promise<PublicRequest[]> {
    return call("list_public_requests");
  }
  supportRequest(id: string): Promise<SubmitReceipt> {
    return call("support_request", { id });
  }
  async onOutboxProgress(cb: (p: DrainProgress) => void): Promise<Unsubscribe> {
    return listen<DrainProgress>("outbox-progress", (e) => cb(e.payload));
  }
  async onRequestStatusChanged(cb: (c: RequestStatusChange) => void): Promise<Unsubscribe> {
    return listen<RequestStatusChange>("request-status-changed", (e) => cb(e.payload));
  }
  busStatus(): Promise<BusStatus> {
    return call("bus_status");
  }
  busStops(query: string): Promise<BusStop[]> {
    return call("bus_stops", { query });
  }
  busNear(lat: number, lon: number, limit: number): Promise<BusStop[]> {
    return call("bus_near", { lat, lon, limit });
  }
  busDepartures(stopId: string, at: string | null, limit: number): Promise<BusDepartures> {
    return call("bus_departures", { stopId, at, limit });
  }
  busRoute(routeId: string, at: string | null): Promise<BusRoute> {
    return call("bus_route", { routeId, at });
  }
  busJourney(from: string, to: string, options: JourneyOptions): Promise<BusJourney[]> {
    return call("bus_journey", { from, to, options });
  }
  setBusFavourite(kind: string, key: string, label: string, on: boolean): Promise<void> {
    return call("set_bus_favourite", { kind, key, label, on });
  }
  busFavourites(): Promise<BusFavourite[]> {
    return call("bus_favourites");
  }
  getOfficialSession(): Promise<OfficialSession | null> {
    return call("get_official_session");
  }
  login(username: string, password: string): Promise<OfficialSession> {
    return call("login", { username, password });
  }
  logout(): Promise<void> {
    return call("logout");
  }
  listAnnouncements(): Promise<AnnouncementList> {
    return call("list_announcements");
  }
  refreshAnnouncements(): Promise<AnnouncementList> {
    return call("refresh_announcements");
  }
  ackAnnouncement(id: string, kind: AckKind, reason: string | null): Promise<SubmitReceipt | null> {
    return call("ack_announcement", { id, kind, reason });
  }
  ackForHousehold(id: string, kind: AckKind, reason: string | null, household: string, unit: string | null): Promise<void> {
    return call("ack_for_household", { id, kind, reason, household, unit });
  }
  officialAnnouncements(): Promise<OfficialAnnouncement[]> {
    return call("official_announcements");
  }
  draftAnnouncement(fields: DraftFields): Promise<DraftOutcome> {
    return call("draft_announcement", { ...fields });
  }
  prepareDocument(dataBase64: string): Promise<PreparedDocument> {
    return call("prepare_document", { dataBase64 });
  }
  saveAnnouncementFile(id: string, url: string): Promise<string> {
    return call("save_announcement_file", { id, url });
  }
  submitAnnouncement(id: string): Promise<OfficialAnnouncement> {
    return call("submit_announcement", { id });
  }
  approveAnnouncement(id: string): Promise<OfficialAnnouncement> {
    return call("approve_announcement", { id });
  }
  returnAnnouncement(id: string, comment: string): Promise<OfficialAnnouncement> {
    return call("return_announcement", { id, comment });
  }
  officerInbox(): Promise<InboxItem[]> {
    return call("officer_inbox");
  }
  postBulletin(input: BulletinInput): Promise<Bulletin[]> {
    return call("post_bulletin", { input });
  }
  issueAlert(input: AlertInput): Promise<Alert[]> {
    return call("issue_alert", { input });
  }
  answerRequest(id: string, text: string): Promise<OfficerRequest> {
    return call("answer_request", { id, text });
  }
  exportAnnouncementIcs(id: string): Promise<string> {
    return call("export_announcement_ics", { id });
  }
  shareAnnouncement(id: string): Promise<AnnouncementShare> {
    return call("share_announcement", { id });
  }
  announcementHouseholds(id: string): Promise<UnitHouseholds[]> {
    return call("announcement_households", { id });
  }
  assignRequest(id: string, input: AssignInput): Promise<OfficerRequest> {
    return call("assign_request", { id, input });
  }
  officialReach(): Promise<Reach> {
    return call("official_reach", { unit: null });
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
