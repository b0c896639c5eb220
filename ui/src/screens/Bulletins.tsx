// Bản tin dịch bệnh: a card on the home screen with the latest figures, and its own screen
// with the figures by unit, the trend chart and the vaccination places, nearest first once
// the resident asks "Gần tôi" (the device's location goes to the core only, never to a
// server). Everything comes from the core's cache.
import { useEffect, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { TrendChart } from "../components/TrendChart";
import { toBackendError } from "../errors";
import { t } from "../i18n";
import type { BulletinView, HomeUnit, PlaceNear } from "../models";
import { href } from "../route";

/** "2021-06-03" → "03/06/2021". */
function day(date: string): string {
  const [y, m, d] = date.split("-");
  return y && m && d ? `${d}/${m}/${y}` : date;
}

function useBulletins({ backend, version, onFreshness }: ScreenProps, near: { lat: number; lon: number } | null, report: boolean) {
  const [view, setView] = useState<BulletinView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    backend.bulletins(near ?? undefined).then(
      (v) => {
        if (!live) return;
        setView(v);
        setError(null);
        if (report) onFreshness(v.freshness);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, version, near?.lat, near?.lon]);
  return { view, error };
}

/** The latest figures above the news; renders nothing before the first bulletin. */
export function BulletinCard(props: ScreenProps) {
  const { view } = useBulletins(props, null, false);
  const latest = view?.latest;
  if (!view || !latest) return null;
  return (
    <section class="bulletin-home" aria-labelledby="bulletin-home-title" data-testid="bulletin-home">
      <h2 id="bulletin-home-title">{t("bulletinsTitle")}</h2>
      <p>
        {t("bulletinsHome", {
          disease: latest.disease,
          date: day(latest.date),
          total: view.totalNewCases,
          mine: view.mine?.new_cases ?? 0,
        })}
      </p>
      <a class="button secondary" href={href({ name: "bulletins" })}>
        {t("bulletinsOpen")}
      </a>
    </section>
  );
}

function Place({ near }: { near: PlaceNear }) {
  const p = near.place;
  return (
    <div class="place-card" data-testid="bulletin-place">
      <p class="place-name">
        <strong>{p.name}</strong>
        {near.distanceM !== null && (
          <span class="place-distance">{t("bulletinsDistance", { km: (near.distanceM / 1000).toFixed(1) })}</span>
        )}
      </p>
      {p.address && <p class="news-meta">{p.address}</p>}
      <p class="news-meta">
        {p.hours}
        {p.vaccine && ` · ${p.vaccine}`}
      </p>
    </div>
  );
}

/** The latest bulletin in full, its trend and the vaccination places. */
export function BulletinsScreen(props: ScreenProps & { home: HomeUnit }) {
  const [near, setNear] = useState<{ lat: number; lon: number } | null>(null);
  const [locationError, setLocationError] = useState<string | null>(null);
  const { view, error } = useBulletins(props, near, true);
  const latest = view?.latest ?? null;
  const nearMe = () => {
    if (typeof navigator === "undefined" || !navigator.geolocation) {
      setLocationError(t("bulletinsNoLocation"));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocationError(null);
        setNear({ lat: pos.coords.latitude, lon: pos.coords.longitude });
      },
      () => setLocationError(t("bulletinsNoLocation")),
      { timeout: 8000, maximumAge: 60_000 },
    );
  };
  return (
    <section class="screen" aria-labelledby="bulletins-title">
      <a class="back-link" href={href({ name: "news" })}>
        ‹ {t("back")}
      </a>
      <h1 id="bulletins-title" tabIndex={-1}>
        {t("bulletinsTitle")}
      </h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {view === null && !error && <p class="muted">{t("loading")}</p>}
      {view !== null && latest === null && <p class="empty">{t("bulletinsEmpty")}</p>}
      {latest && view && (
        <>
          <p class="muted">
            {t("bulletinsFrom", { disease: latest.disease, date: day(latest.date), issuer: latest.issuer_name })}
          </p>
          <div class="bulletin-figures">
            <p class="figure" data-testid="bulletin-mine">
              <strong>{view.mine?.new_cases ?? 0}</strong>
              <span>{t("bulletinsMine")}</span>
            </p>
            <p class="figure" data-testid="bulletin-total">
              <strong>{view.totalNewCases}</strong>
              <span>{t("bulletinsTotal")}</span>
            </p>
          </div>
          {latest.note && <p>{latest.note}</p>}
          <h2>{t("bulletinsTrend")}</h2>
          <TrendChart points={view.trend} />
          <h2>{t("bulletinsByUnit")}</h2>
          <table class="trend-table">
            <thead>
              <tr>
                <th scope="col">{t("bulletinsUnit")}</th>
                <th scope="col">{t("bulletinsNew")}</th>
                <th scope="col">{t("bulletinsRecovered")}</th>
                <th scope="col">{t("bulletinsDeaths")}</th>
              </tr>
            </thead>
            <tbody>
              {latest.cases.map((c) => (
                <tr key={c.unit} class={c.unit === props.home.code ? "mine" : undefined}>
                  <th scope="row">{view.unitNames[c.unit] ?? c.unit}</th>
                  <td>{c.new_cases}</td>
                  <td>{c.recovered ?? "—"}</td>
                  <td>{c.deaths ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t("bulletinsPlaces")}</h2>
          {view.places.length === 0 ? (
            <p class="empty">{t("bulletinsNoPlaces")}</p>
          ) : (
            <>
              <div class="button-row">
                <button type="button" class="button secondary" onClick={nearMe} data-testid="bulletin-near-me">
                  {t("bulletinsNearMe")}
                </button>
              </div>
              {locationError && (
                <p class="muted small" role="status">
                  {locationError}
                </p>
              )}
              <ul class="card-list">
                {view.places.map((p) => (
                  <li key={p.place.name}>
                    <Place near={p} />
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
