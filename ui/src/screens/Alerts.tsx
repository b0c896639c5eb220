// Cảnh báo: active CAP alerts of the home unit pinned at the top of home (most severe
// first, as the core orders them), and their own screen with the history. All from the
// core's cache, so they stay readable offline.
import { useEffect, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { toBackendError } from "../errors";
import { formatDateTime } from "../format";
import { getLang, t, type MessageKey } from "../i18n";
import type { Alert, AlertList, HomeUnit } from "../models";
import { href } from "../route";

function useAlerts({ backend, version, onFreshness }: ScreenProps, report: boolean) {
  const [list, setList] = useState<AlertList | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    backend.listAlerts().then(
      (l) => {
        if (!live) return;
        setList(l);
        setError(null);
        if (report) onFreshness(l.freshness);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, version]);
  return { list, error };
}

function AlertCard({ alert, past }: { alert: Alert; past?: boolean }) {
  const lang = getLang();
  const urgency = t(`urgency_${alert.urgency}` as MessageKey);
  return (
    <div class={`alert-card severity-${alert.severity.toLowerCase()}${past ? " past" : ""}`} data-testid="alert">
      <p class="alert-level">
        <strong>{t(`severity_${alert.severity}` as MessageKey)}</strong>
        {urgency && <span> · {urgency}</span>}
        {alert.msg_type === "Cancel" && <span class="outage-badge">{t("alertCancelled")}</span>}
      </p>
      <p class="alert-headline">{alert.headline || alert.event}</p>
      {alert.instruction && <p class="alert-instruction">{alert.instruction}</p>}
      {alert.description && !past && <p class="muted small">{alert.description}</p>}
      <p class="news-meta">
        {alert.area} ·{" "}
        {alert.expires ? t("alertExpires", { at: formatDateTime(alert.expires, lang) }) : t("alertNoExpiry")}
      </p>
    </div>
  );
}

/** Active alerts pinned at the top of home; nothing when there are none. */
export function PinnedAlerts(props: ScreenProps) {
  const { list } = useAlerts(props, false);
  if (!list || list.active.length === 0) return null;
  return (
    <section class="alerts-home" aria-labelledby="alerts-home-title" data-testid="alerts-home">
      <h2 id="alerts-home-title">{t("alertsPinned")}</h2>
      <ul class="card-list">
        {list.active.map((a) => (
          <li key={a.id}>
            <AlertCard alert={a} />
          </li>
        ))}
      </ul>
      <a class="button secondary" href={href({ name: "alerts" })}>
        {t("alertsAll")}
      </a>
    </section>
  );
}

/** Active alerts and the history. */
export function AlertsScreen(props: ScreenProps & { home: HomeUnit }) {
  const { list, error } = useAlerts(props, true);
  return (
    <section class="screen" aria-labelledby="alerts-title">
      <a class="back-link" href={href({ name: "news" })}>
        ‹ {t("back")}
      </a>
      <h1 id="alerts-title" tabIndex={-1}>
        {t("alertsTitle")}
      </h1>
      <p class="muted">{`${props.home.name}, ${props.home.provinceName}`}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {list === null && !error && <p class="muted">{t("loading")}</p>}
      {list !== null && list.active.length === 0 && <p class="empty">{t("alertsEmpty")}</p>}
      {list !== null && list.active.length > 0 && (
        <ul class="card-list">
          {list.active.map((a) => (
            <li key={a.id}>
              <AlertCard alert={a} />
            </li>
          ))}
        </ul>
      )}
      {list !== null && list.history.length > 0 && (
        <>
          <h2>{t("alertsHistory")}</h2>
          <ul class="card-list" data-testid="alerts-history">
            {list.history.map((a) => (
              <li key={a.id}>
                <AlertCard alert={a} past />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
