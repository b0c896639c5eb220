// Lịch cắt điện: the upcoming cuts of the home unit pinned above the news (the home
// screen), and their own list with the calendar export. Everything comes from the core's
// cache; "còn N giờ" is computed against the app clock.
import { useEffect, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { toBackendError } from "../errors";
import { getLang, t } from "../i18n";
import type { HomeUnit, Outage } from "../models";
import { timeLeft, timeRange, upcoming } from "../outages";
import { href } from "../route";

/** Cuts shown on the home screen before "see all". */
const HOME_LIMIT = 3;

function useOutages({ backend, version, onFreshness }: ScreenProps, report: boolean) {
  const [items, setItems] = useState<Outage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    backend.listOutages().then(
      (list) => {
        if (!live) return;
        setItems(list.items);
        setError(null);
        if (report) onFreshness(list.freshness);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, version]);
  return { items, error };
}

function OutageCard({ outage, now }: { outage: Outage; now: Date }) {
  const lang = getLang();
  const cancelled = outage.status === "cancelled";
  const left = cancelled ? "" : timeLeft(outage, now, lang);
  return (
    <div class={`outage-card${cancelled ? " cancelled" : ""}`} data-testid="outage">
      <p class="outage-when">
        <span class="outage-range">{timeRange(outage, lang)}</span>
        {left && (
          <strong class="outage-left" data-testid="outage-left">
            {left}
          </strong>
        )}
        {cancelled && <span class="outage-badge">{t("outageCancelled")}</span>}
        {outage.status === "changed" && <span class="outage-badge">{t("outageChanged")}</span>}
      </p>
      <p class="outage-area">{outage.area}</p>
      <p class="news-meta">
        {outage.reason}
        {outage.reason && " · "}
        {outage.utility}
      </p>
    </div>
  );
}

/** The upcoming cuts pinned above the news; renders nothing when there are none. */
export function UpcomingOutages(props: ScreenProps) {
  const { items } = useOutages(props, false);
  const shown = upcoming(items ?? [], props.now);
  if (shown.length === 0) return null;
  return (
    <section class="outages-home" aria-labelledby="outages-home-title" data-testid="outages-home">
      <h2 id="outages-home-title">{t("outagesUpcoming")}</h2>
      <ul class="card-list">
        {shown.slice(0, HOME_LIMIT).map((o) => (
          <li key={o.id}>
            <OutageCard outage={o} now={props.now} />
          </li>
        ))}
      </ul>
      <a class="button secondary" href={href({ name: "outages" })}>
        {t("outagesAll")}
      </a>
    </section>
  );
}

/** Every cut of the home unit that has not ended, cancelled ones marked, and the export. */
export function OutagesScreen(props: ScreenProps & { home: HomeUnit }) {
  const { items, error } = useOutages(props, true);
  const [saved, setSaved] = useState<string | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const live = (items ?? []).filter((o) => Date.parse(o.end) > props.now.getTime());
  const exportIcs = () => {
    setSaved(null);
    setExportError(null);
    props.backend.exportOutagesIcs().then(setSaved, (e) => setExportError(toBackendError(e).message));
  };
  return (
    <section class="screen" aria-labelledby="outages-title">
      <a class="back-link" href={href({ name: "news" })}>
        ‹ {t("back")}
      </a>
      <h1 id="outages-title" tabIndex={-1}>
        {t("outagesTitle")}
      </h1>
      <p class="muted">{t("outagesFor", { unit: `${props.home.name}, ${props.home.provinceName}` })}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null && !error && <p class="muted">{t("loading")}</p>}
      {items !== null && live.length === 0 && <p class="empty">{t("outagesEmpty")}</p>}
      {live.length > 0 && (
        <>
          <p class="muted small">{t("outageRemindersOn")}</p>
          <ul class="card-list">
            {live.map((o) => (
              <li key={o.id}>
                <OutageCard outage={o} now={props.now} />
              </li>
            ))}
          </ul>
          <div class="button-row">
            <button type="button" class="button" onClick={exportIcs} data-testid="outages-export">
              {t("outageExport")}
            </button>
          </div>
          <div role="status" aria-live="polite">
            {saved && <p class="muted small break">{t("outageExported", { path: saved })}</p>}
          </div>
          {exportError && (
            <p class="error" role="alert">
              {exportError}
            </p>
          )}
        </>
      )}
    </section>
  );
}
