// The app shell: routing, home unit gate (onboarding), sync state shared by the status
// bar, pull-to-refresh, and the tab bar. Screens get the backend and a `version` that
// bumps after every finished sync so they reload what they show.
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Backend } from "./backend";
import { StatusBar } from "./components/StatusBar";
import { TabBar } from "./components/TabBar";
import { toBackendError } from "./errors";
import { statusKey } from "./feedback";
import { oldest } from "./format";
import { getLang, setLang, t, type Lang } from "./i18n";
import type { Freshness, HomeUnit, RequestStatusChange, SyncProgress, SyncStatus } from "./models";
import { href, parseRoute, tabOf, type Route } from "./route";
import { BusJourneyScreen, BusRouteScreen, BusScreen, BusStopScreen } from "./screens/Bus";
import { MyRequestDetailScreen, MyRequestsScreen, NearbyScreen } from "./screens/MyRequests";
import { NewRequestScreen } from "./screens/NewRequest";
import { NewsDetailScreen, NewsListScreen } from "./screens/News";
import { AlertsScreen } from "./screens/Alerts";
import { BulletinsScreen } from "./screens/Bulletins";
import { OutagesScreen } from "./screens/Outages";
import { Notifier } from "./notifications";
import { useOutageReminders } from "./reminders";
import { Onboarding } from "./screens/Onboarding";
import { ProcedureDetailScreen, ProceduresScreen } from "./screens/Procedures";
import { Settings } from "./screens/Settings";
import { AnnouncementsScreen } from "./screens/Announcements";
import { OfficialScreen } from "./screens/Official";

const PULL_THRESHOLD = 70;

/** Props every screen receives. */
export type ScreenProps = {
  backend: Backend;
  /** Bumps after each finished sync: reload. */
  version: number;
  /** Current time, refreshed every minute for relative times. */
  now: Date;
  /** Screens report the freshness of what they show. */
  onFreshness: (f: Freshness) => void;
};

function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(id);
  }, []);
  return now;
}

/** Text of the notification for a status change. */
function changeText(c: RequestStatusChange): string {
  return c.detailedStatus === "answered"
    ? t("notifAnswered")
    : t("notifChanged", { status: t(statusKey(c.detailedStatus)) });
}

/** The backend calls that change what waits in the outbox. */
const OUTBOX_WRITES = new Set<string>([
  "submitRequest",
  "rateRequest",
  "reopenRequest",
  "supportRequest",
  "drainOutbox",
  "retryOutbox",
]);

/** `backend` as the screens see it: after each outbox write, `changed` runs
 * (the status bar re-reads what waits to be sent). */
function watchingWrites(backend: Backend, changed: () => void): Backend {
  return new Proxy(backend, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof name !== "string" || !OUTBOX_WRITES.has(name) || typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const done = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        void done.finally(changed).catch(() => undefined);
        return done;
      };
    },
  });
}

function resourceOf(route: Route): string | null {
  const tab = tabOf(route);
  if (route.name === "outages") return "outages";
  if (route.name === "bulletins") return "bulletins";
  if (route.name === "alerts") return "alerts";
  if (tab === "news") return "news";
  if (tab === "procedures") return "procedures";
  return null;
}

/** Root component. */
export function App({ backend }: { backend: Backend }) {
  const [route, setRoute] = useState<Route>(() => parseRoute(window.location.hash));
  const [home, setHome] = useState<HomeUnit | null | undefined>(undefined);
  const [lang, setLangState] = useState<Lang>(getLang());
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [freshness, setFreshness] = useState<Freshness | null>(null);
  const [syncing, setSyncing] = useState(false);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const [pull, setPull] = useState(0);
  const [change, setChange] = useState<RequestStatusChange | null>(null);
  const now = useNow();
  const reminder = useOutageReminders(backend, version);
  const mainRef = useRef<HTMLElement>(null);
  const pullStart = useRef<number | null>(null);

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);

  const loadStatus = useCallback(() => {
    backend.syncStatus().then(setStatus, () => undefined);
  }, [backend]);

  // What waits in the outbox changes with what the screens do: re-read it on
  // every screen change and after every write the screens report.
  useEffect(() => {
    loadStatus();
  }, [route, version, loadStatus]);

  useEffect(() => {
    backend.getHomeUnit().then(setHome, () => setHome(null));
    loadStatus();
    const notifier = new Notifier(backend);
    notifier.announcements();
    const subs: Array<Promise<() => void>> = [
      backend.onSyncProgress((p) => setProgress(p)),
      backend.onSyncFinished((s) => {
        setStatus(s);
        setProgress(null);
        setVersion((v) => v + 1);
        notifier.announcements();
      }),
      backend.onAlertsChanged((list) => {
        setVersion((v) => v + 1);
        notifier.alerts(list);
      }),
      backend.onRequestStatusChanged((c) => {
        setChange(c);
        setVersion((v) => v + 1);
        notifier.requestChanged(c, changeText(c));
      }),
    ];
    return () => subs.forEach((s) => void s.then((off) => off()));
  }, [backend, loadStatus]);

  // Move focus to the new screen's heading so screen readers announce it (or to the element
  // the screen marks with data-route-focus, e.g. the tile of the life event just left).
  const firstRoute = useRef(true);
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    const main = mainRef.current;
    (main?.querySelector<HTMLElement>("[data-route-focus]") ?? main?.querySelector<HTMLElement>("h1"))?.focus();
    mainRef.current?.scrollTo?.(0, 0);
  }, [route]);

  const refresh = useCallback(async () => {
    if (syncing) return;
    setSyncing(true);
    setSyncError(null);
    setProgress(null);
    try {
      await backend.syncNow();
    } catch (err) {
      const e = toBackendError(err);
      if (e.code !== "offline") setSyncError(e.message);
    } finally {
      setSyncing(false);
      setProgress(null);
      loadStatus();
      setVersion((v) => v + 1);
    }
  }, [backend, syncing, loadStatus]);

  const changeLang = (l: Lang) => {
    setLang(l);
    setLangState(l);
  };

  // Pull-to-refresh on touch screens: drag down from the top of the content.
  const onTouchStart = (e: TouchEvent) => {
    const first = e.touches[0];
    pullStart.current = first && (mainRef.current?.scrollTop ?? 0) <= 0 ? first.clientY : null;
  };
  const onTouchMove = (e: TouchEvent) => {
    const first = e.touches[0];
    if (pullStart.current === null || !first) return;
    setPull(Math.max(0, Math.min(120, first.clientY - pullStart.current)));
  };
  const onTouchEnd = () => {
    if (pull >= PULL_THRESHOLD) void refresh();
    pullStart.current = null;
    setPull(0);
  };

  const needsOnboarding = home === null || route.name === "onboarding";
  const resource = needsOnboarding ? "units" : resourceOf(route);
  const all = status?.resources ?? [];
  const mine = all.filter((r) => r.resource === resource);
  const times = (mine.length > 0 ? mine : all).map((r) => r.syncedAt);
  const syncedAt = oldest(times) ?? freshness?.syncedAt ?? null;
  const offline = (status?.offline ?? false) || (freshness?.offline ?? false);

  const watched = useMemo(() => watchingWrites(backend, loadStatus), [backend, loadStatus]);
  const screenProps: ScreenProps = { backend: watched, version, now, onFreshness: setFreshness };

  let screen;
  if (home === undefined) {
    screen = <p class="muted">{t("loading")}</p>;
  } else if (needsOnboarding) {
    screen = (
      <Onboarding
        {...screenProps}
        current={home}
        onDone={(h) => {
          setHome(h);
          loadStatus();
          window.location.hash = "#/news";
          // The new unit's news is not cached yet: fetch it now rather than at the next timer.
          void refresh();
        }}
        onRefresh={() => void refresh()}
      />
    );
  } else {
    switch (route.name) {
      case "news":
        screen = <NewsListScreen {...screenProps} home={home} />;
        break;
      case "article":
        screen = <NewsDetailScreen {...screenProps} id={route.id} />;
        break;
      case "outages":
        screen = <OutagesScreen {...screenProps} home={home} />;
        break;
      case "bulletins":
        screen = <BulletinsScreen {...screenProps} home={home} />;
        break;
      case "alerts":
        screen = <AlertsScreen {...screenProps} home={home} />;
        break;
      case "procedures":
      case "lifeEvent":
        screen = (
          <ProceduresScreen {...screenProps} home={home} eventId={route.name === "lifeEvent" ? route.id : null} />
        );
        break;
      case "procedure":
        screen = <ProcedureDetailScreen {...screenProps} code={route.code} />;
        break;
      case "feedback":
        screen = <NewRequestScreen {...screenProps} />;
        break;
      case "myRequests":
        screen = <MyRequestsScreen {...screenProps} />;
        break;
      case "myRequest":
        screen = <MyRequestDetailScreen {...screenProps} id={route.id} />;
        break;
      case "nearby":
        screen = <NearbyScreen {...screenProps} />;
        break;
      case "bus":
        screen = <BusScreen {...screenProps} />;
        break;
      case "busStop":
        screen = <BusStopScreen {...screenProps} id={route.id} />;
        break;
      case "busRoute":
        screen = <BusRouteScreen {...screenProps} id={route.id} />;
        break;
      case "busJourney":
        screen = <BusJourneyScreen {...screenProps} from={route.from} to={route.to} at={route.at} />;
        break;
      case "announcements":
        screen = <AnnouncementsScreen {...screenProps} />;
        break;
      case "official":
        screen = <OfficialScreen {...screenProps} />;
        break;
      case "settings":
        screen = (
          <Settings {...screenProps} home={home} status={status} lang={lang} onLang={changeLang} />
        );
        break;
    }
  }

  return (
    <div class="app" data-lang={lang}>
      <header class="top-bar">
        <span class="brand">{t("appName")}</span>
        {home && <span class="brand-unit">{home.name}</span>}
        <button
          type="button"
          class="lang-toggle"
          onClick={() => changeLang(lang === "vi" ? "en" : "vi")}
          lang={lang === "vi" ? "en" : "vi"}
          data-testid="lang-toggle"
        >
          {lang === "vi" ? "English" : "Tiếng Việt"}
        </button>
      </header>
      <StatusBar
        syncedAt={syncedAt}
        offline={offline}
        syncing={syncing}
        progress={progress}
        error={syncError}
        pending={status?.pending ?? 0}
        now={now}
        onRefresh={() => void refresh()}
      />
      <div class="banner-region" role="status" aria-live="polite">
        {reminder.text && (
          <div class="banner" data-testid="outage-reminder">
            <p class="banner-text">
              <strong>{reminder.text}</strong> <span>{reminder.area}</span>
            </p>
            <a class="button small-button" href={href({ name: "outages" })} onClick={reminder.dismiss}>
              {t("outagesTitle")}
            </a>
            <button type="button" class="icon-button banner-close" aria-label={t("dismiss")} onClick={reminder.dismiss}>
              <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z" />
              </svg>
            </button>
          </div>
        )}
        {change && (
          <div class="banner" data-testid="status-banner">
            <p class="banner-text">
              <strong>{changeText(change)}</strong> <span>{change.serviceName}</span>
            </p>
            <a
              class="button small-button"
              href={href({ name: "myRequest", id: change.requestId })}
              onClick={() => setChange(null)}
              data-testid="status-banner-link"
            >
              {t("notifOpen")}
            </a>
            <button type="button" class="icon-button banner-close" aria-label={t("dismiss")} onClick={() => setChange(null)}>
              <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
                <path fill="currentColor" d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z" />
              </svg>
            </button>
          </div>
        )}
      </div>
      <main
        id="main"
        class="content"
        ref={mainRef}
        onTouchStart={onTouchStart}
        onTouchMove={onTouchMove}
        onTouchEnd={onTouchEnd}
      >
        {pull > 0 && (
          <div class="pull-indicator" aria-hidden="true">
            {pull >= PULL_THRESHOLD ? t("releaseToRefresh") : t("pullToRefresh")}
          </div>
        )}
        {screen}
      </main>
      {!needsOnboarding && home !== undefined && <TabBar active={tabOf(route)} />}
    </div>
  );
}
