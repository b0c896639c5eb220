// Xe buýt (issue 8): stop search (with or without diacritics), stops near the device,
// favourites and the timetable's age; a stop's departures; a route with its drawing
// (SVG from the feed's shapes, no map tiles); the journey planner, whose ends are stops or
// points ("Vị trí của tôi" from the device, or coordinates the user types), a point being
// a geo: URI the core reads. Everything is read from the network stored on the device, so
// the screen works with the network off.
import { useEffect, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { toBackendError } from "../errors";
import { relativeTime } from "../format";
import { getLang, t } from "../i18n";
import type { BusDepartures, BusFavourite, BusJourney, BusRoute, BusStatus, BusStop } from "../models";
import { geoLabel, geoPlace, parseLatLon } from "../places";
import { href } from "../route";

const PLAN_KEY = "congdan.bus.plan";

/** The two ends of the journey being planned, kept for the session: a stop_id or a
 *  geo: point, and what to call it. */
type Plan = { fromId: string; fromName: string; toId: string; toName: string };

/** The device's position, or null when it has none to give. */
function devicePosition(): Promise<[number, number] | null> {
  return new Promise((resolve) => {
    if (typeof navigator === "undefined" || !navigator.geolocation) {
      resolve(null);
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (pos) => resolve([pos.coords.latitude, pos.coords.longitude]),
      () => resolve(null),
      { timeout: 8000, maximumAge: 60_000 },
    );
  });
}

/** Stores a new plan and opens the journey when both ends are known, the bus home otherwise. */
function goPlan(next: Plan): void {
  savePlan(next);
  window.location.hash = next.fromId && next.toId ? href({ name: "busJourney", from: next.fromId, to: next.toId }) : href({ name: "bus" });
}

function loadPlan(): Plan {
  try {
    const raw = globalThis.sessionStorage?.getItem(PLAN_KEY);
    if (raw) return JSON.parse(raw) as Plan;
  } catch {
    // no session storage: start empty
  }
  return { fromId: "", fromName: "", toId: "", toName: "" };
}

function savePlan(plan: Plan): void {
  try {
    globalThis.sessionStorage?.setItem(PLAN_KEY, JSON.stringify(plan));
  } catch {
    // keep it in the URL only
  }
}

/** "07:42" of an RFC 3339 time in the feed's zone. */
function clock(rfc3339: string): string {
  return rfc3339.slice(11, 16);
}

/** A local "YYYY-MM-DDTHH:MM" for a datetime-local input. */
function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A route number with the feed's colour as a stripe (feed colour pairs are not always
 *  readable as text on background, so the text keeps the theme's contrast). */
function RouteChip({ name, color, routeId }: { name: string; color: string; routeId: string }) {
  const style = color ? { borderLeft: `6px solid #${color}` } : undefined;
  return (
    <a class="chip bus-chip" style={style} href={href({ name: "busRoute", id: routeId })}>
      {name}
    </a>
  );
}

function StopList({ stops }: { stops: BusStop[] }) {
  if (stops.length === 0) return <p class="empty">{t("busNoStops")}</p>;
  return (
    <ul class="card-list" data-testid="bus-stops">
      {stops.map((s) => (
        <li key={s.stop_id}>
          <a class="hit-card" href={href({ name: "busStop", id: s.stop_id })} data-testid="bus-stop">
            <span class="hit-name">
              {s.distance_m !== null && `${s.distance_m} m · `}
              {s.name}
            </span>
            <span class="muted small">{s.description}</span>
            {s.routes.length > 0 && <span class="muted small">{t("busRoutes", { routes: s.routes.join(", ") })}</span>}
          </a>
        </li>
      ))}
    </ul>
  );
}

function StatusLine({ status, now }: { status: BusStatus | null; now: Date }) {
  if (status === null) return null;
  if (status.downloading) {
    const [have, total] = status.downloading;
    return <p class="muted">{t("busDownloading", { have: Math.round(have / 1024), total: Math.round(total / 1024) })}</p>;
  }
  if (!status.stored_at) return <p class="notice-text">{t("busNoNetwork")}</p>;
  return (
    <p class="muted" data-testid="bus-updated">
      {t("busUpdated", { when: relativeTime(status.stored_at, now, getLang()) })}
    </p>
  );
}

/** The bus home: search, near me, favourites, the planner's two ends. */
export function BusScreen({ backend, version, now }: ScreenProps) {
  const [status, setStatus] = useState<BusStatus | null>(null);
  const [query, setQuery] = useState("");
  const [stops, setStops] = useState<BusStop[] | null>(null);
  const [favourites, setFavourites] = useState<BusFavourite[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [point, setPoint] = useState("");
  const [plan, setPlan] = useState(loadPlan);
  const choose = (next: Plan) => {
    setPlan(next);
    goPlan(next);
  };
  useEffect(() => {
    let live = true;
    void backend.busStatus().then((s) => live && setStatus(s), (e) => live && setError(toBackendError(e).message));
    void backend.busFavourites().then((f) => live && setFavourites(f), () => undefined);
    return () => {
      live = false;
    };
  }, [backend, version]);
  useEffect(() => {
    let live = true;
    if (query.trim() === "") {
      setStops(null);
      return;
    }
    backend.busStops(query).then(
      (found) => {
        if (!live) return;
        setStops(found);
        setError(null);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, query, version]);
  const nearMe = () => {
    void devicePosition().then((here) => {
      if (!here) {
        setError(t("busNoLocation"));
        return;
      }
      backend.busNear(here[0], here[1], 10).then(
        (found) => {
          setStops(found);
          setError(null);
        },
        (e) => setError(toBackendError(e).message),
      );
    });
  };
  const fromMyLocation = () => {
    void devicePosition().then((here) => {
      if (!here) setError(t("busNoLocation"));
      else choose({ ...loadPlan(), fromId: geoPlace(here[0], here[1]), fromName: t("busMyLocation") });
    });
  };
  const pickPoint = (end: "from" | "to") => {
    const at = parseLatLon(point);
    if (!at) {
      setError(t("busBadPoint"));
      return;
    }
    const place = geoPlace(at[0], at[1]);
    const name = geoLabel(place) ?? place;
    const current = loadPlan();
    choose(end === "from" ? { ...current, fromId: place, fromName: name } : { ...current, toId: place, toName: name });
  };
  return (
    <section class="screen" aria-labelledby="bus-title">
      <h1 id="bus-title" tabIndex={-1}>
        {t("busTitle")}
      </h1>
      <StatusLine status={status} now={now} />
      <label class="field-label" for="bus-search">
        {t("busSearchLabel")}
      </label>
      <input
        id="bus-search"
        class="text-input"
        type="search"
        value={query}
        placeholder={t("busSearchPlaceholder")}
        onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        data-testid="bus-search"
      />
      <div class="button-row">
        <button type="button" class="button" onClick={nearMe}>
          {t("busNearMe")}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {stops !== null && <StopList stops={stops} />}
      <h2>{t("busPlanner")}</h2>
      <p class="muted" data-testid="bus-plan-ends">
        {t("busFrom")}: {plan.fromName || "—"} · {t("busTo")}: {plan.toName || "—"}
      </p>
      <div class="button-row">
        <button type="button" class="button" onClick={fromMyLocation} data-testid="bus-from-my-location">
          {t("busFromMyLocation")}
        </button>
      </div>
      <label class="field-label" for="bus-point">
        {t("busPointLabel")}
      </label>
      <input
        id="bus-point"
        class="text-input"
        inputMode="decimal"
        value={point}
        placeholder="10.7725, 106.698"
        onInput={(e) => setPoint((e.target as HTMLInputElement).value)}
        data-testid="bus-point"
      />
      <div class="button-row">
        <button type="button" class="small-button" onClick={() => pickPoint("from")} data-testid="bus-from-point">
          {t("busFromPoint")}
        </button>
        <button type="button" class="small-button" onClick={() => pickPoint("to")} data-testid="bus-to-point">
          {t("busToPoint")}
        </button>
      </div>
      {plan.fromId && plan.toId ? (
        <a class="button" href={href({ name: "busJourney", from: plan.fromId, to: plan.toId })} data-testid="bus-plan-link">
          {t("busPlan")}
        </a>
      ) : (
        <p class="hint">{t("busPickStop")}</p>
      )}
      <h2>{t("busFavourites")}</h2>
      {favourites.length === 0 && <p class="empty">{t("busNoFavourites")}</p>}
      <ul class="card-list">
        {favourites.map((f) => {
          const [from, to] = f.key.split(">");
          const target =
            f.kind === "stop" ? href({ name: "busStop", id: f.key }) : href({ name: "busJourney", from: from ?? "", to: to ?? "" });
          return (
            <li key={`${f.kind}:${f.key}`}>
              <a class="hit-card" href={target}>
                <span class="hit-name">{f.label || f.key}</span>
              </a>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** One stop: its next departures, save, and "from here" / "to here". */
export function BusStopScreen({ backend, version, id }: ScreenProps & { id: string }) {
  const [board, setBoard] = useState<BusDepartures | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    backend.busDepartures(id, null, 15).then(
      (b) => {
        if (!live) return;
        setBoard(b);
        setError(null);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    void backend.busFavourites().then((f) => live && setSaved(f.some((x) => x.kind === "stop" && x.key === id)), () => undefined);
    return () => {
      live = false;
    };
  }, [backend, id, version]);
  const toggle = () => {
    const name = board?.stop.name ?? id;
    backend.setBusFavourite("stop", id, name, !saved).then(() => setSaved(!saved), (e) => setError(toBackendError(e).message));
  };
  const pick = (end: "from" | "to") => {
    const plan = loadPlan();
    const name = board?.stop.name ?? id;
    goPlan(end === "from" ? { ...plan, fromId: id, fromName: name } : { ...plan, toId: id, toName: name });
  };
  return (
    <section class="screen" aria-labelledby="bus-stop-title">
      <a class="back-link" href={href({ name: "bus" })}>
        {t("back")}
      </a>
      <h1 id="bus-stop-title" tabIndex={-1}>
        {board?.stop.name ?? id}
      </h1>
      {board && <p class="muted">{board.stop.description}</p>}
      <div class="button-row">
        <button type="button" class="button" onClick={() => pick("from")} data-testid="bus-from-here">
          {t("busFromHere")}
        </button>
        <button type="button" class="button" onClick={() => pick("to")} data-testid="bus-to-here">
          {t("busToHere")}
        </button>
        <button type="button" class="small-button" aria-pressed={saved} onClick={toggle}>
          {saved ? t("busSaved") : t("busSave")}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <h2>{t("busDepartures")}</h2>
      {board === null && !error && <p class="muted">{t("loading")}</p>}
      {board !== null && board.departures.length === 0 && <p class="empty">{t("busNoDepartures")}</p>}
      {board !== null && board.departures.length > 0 && (
        <ul class="card-list" data-testid="bus-departures">
          {board.departures.map((d) => (
            <li key={`${d.trip_id}-${d.departure}`} class="bus-departure">
              <RouteChip name={d.route_short_name} color={d.route_color} routeId={d.route_id} />
              <span class="bus-headsign">{d.headsign}</span>
              <span class="bus-when">
                <strong>{d.minutes <= 0 ? t("busNow") : t("busInMinutes", { n: d.minutes })}</strong>
                <span class="muted small"> {clock(d.departure)}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One route: direction, drawing, stops and the day's departures. */
export function BusRouteScreen({ backend, version, id }: ScreenProps & { id: string }) {
  const [route, setRoute] = useState<BusRoute | null>(null);
  const [direction, setDirection] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    backend.busRoute(id, null).then(
      (r) => {
        if (!live) return;
        setRoute(r);
        setError(null);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, id, version]);
  const dir = route?.directions[direction] ?? route?.directions[0];
  const color = route?.color ? `#${route.color}` : "#1565c0";
  return (
    <section class="screen" aria-labelledby="bus-route-title">
      <a class="back-link" href={href({ name: "bus" })}>
        {t("back")}
      </a>
      <h1 id="bus-route-title" tabIndex={-1}>
        {route ? t("busRoute", { name: `${route.short_name}: ${route.long_name}` }) : id}
      </h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {route && (
        <div class="button-row" role="group">
          {route.directions.map((d, i) => (
            <button
              type="button"
              key={`${d.direction}-${i}`}
              class="small-button"
              aria-pressed={i === direction}
              onClick={() => setDirection(i)}
            >
              {t("busDirection", { headsign: d.headsign })}
            </button>
          ))}
        </div>
      )}
      {route && dir && (
        <>
          <svg class="bus-map" viewBox={route.view_box} role="img" aria-label={t("busMap", { name: route.short_name })}>
            <path d={dir.path} fill="none" stroke={color} stroke-width="8" stroke-linejoin="round" stroke-linecap="round" />
            {dir.stops.map((s) => (
              <circle key={s.stop_id} cx={s.x} cy={s.y} r="9" fill="#fff" stroke={color} stroke-width="4" />
            ))}
          </svg>
          <h2>{t("busStops")}</h2>
          <ol class="bus-stop-list">
            {dir.stops.map((s) => (
              <li key={s.stop_id}>
                <a href={href({ name: "busStop", id: s.stop_id })}>{s.name}</a>
              </li>
            ))}
          </ol>
          <h2>{t("busTimetable", { date: route.date })}</h2>
          <p class="bus-timetable">{dir.timetable.join(" · ")}</p>
        </>
      )}
    </section>
  );
}

/** What to call a journey's end: the name the plan gave it, a point's coordinates, or the
 *  stop's name from the stored network (the stop_id until it is read). */
function useEndName(backend: ScreenProps["backend"], place: string, planned: string | null): string {
  const [name, setName] = useState<string | null>(null);
  const known = planned ?? geoLabel(place);
  useEffect(() => {
    let live = true;
    setName(null);
    if (known === null && place !== "") {
      backend.busDepartures(place, null, 1).then(
        (b) => live && setName(b.stop.name),
        () => undefined,
      );
    }
    return () => {
      live = false;
    };
  }, [backend, place, known]);
  return known ?? name ?? place;
}

/** The planner's answer for two ends (stops or points). */
export function BusJourneyScreen({ backend, version, from, to, at: asked }: ScreenProps & { from: string; to: string; at?: string }) {
  const plan = loadPlan();
  const [at, setAt] = useState(() => asked ?? localInput(new Date()));
  const [journeys, setJourneys] = useState<BusJourney[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const search = () => {
    setJourneys(null);
    backend.busJourney(from, to, { at, max_transfers: 2, max_walk_m: 500, min_change_s: 60 }).then(
      (found) => {
        setJourneys(found);
        setError(null);
      },
      (e) => setError(toBackendError(e).message),
    );
  };
  useEffect(search, [backend, from, to, version]);
  const fromName = useEndName(backend, from, plan.fromId === from && plan.fromName ? plan.fromName : null);
  const toName = useEndName(backend, to, plan.toId === to && plan.toName ? plan.toName : null);
  const save = () => {
    backend
      .setBusFavourite("journey", `${from}>${to}`, `${fromName} → ${toName}`, true)
      .then(() => setSaved(true), (e) => setError(toBackendError(e).message));
  };
  return (
    <section class="screen" aria-labelledby="bus-journey-title">
      <a class="back-link" href={href({ name: "bus" })}>
        {t("back")}
      </a>
      <h1 id="bus-journey-title" tabIndex={-1}>
        {t("busPlanner")}
      </h1>
      <p data-testid="bus-journey-ends">
        {t("busFrom")}: <strong>{fromName}</strong>
        <br />
        {t("busTo")}: <strong>{toName}</strong>
      </p>
      <label class="field-label" for="bus-at">
        {t("busLeaveAt")}
      </label>
      <input id="bus-at" class="text-input" type="datetime-local" value={at} onInput={(e) => setAt((e.target as HTMLInputElement).value)} />
      <div class="button-row">
        <button type="button" class="button" onClick={search} data-testid="bus-plan">
          {t("busPlan")}
        </button>
        <button type="button" class="small-button" aria-pressed={saved} onClick={save}>
          {saved ? t("busSaved") : t("busSaveJourney")}
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {journeys === null && !error && <p class="muted">{t("loading")}</p>}
      {journeys !== null && journeys.length === 0 && <p class="empty">{t("busNoJourney")}</p>}
      {journeys !== null && journeys.length > 0 && (
        <ol class="card-list" data-testid="bus-journeys">
          {journeys.map((j, i) => (
            <li key={i} class="bus-journey">
              <p class="hit-name">
                {t("busJourneySummary", { dep: clock(j.departure), arr: clock(j.arrival), transfers: j.transfers, walk: j.walk_meters })}
              </p>
              <ul class="bus-legs">
                {j.legs.map((l, k) => (
                  <li key={k}>
                    {l.kind === "bus"
                      ? t("busLegBus", {
                          route: l.route_short_name ?? "?",
                          from: l.from_stop_name ?? fromName,
                          dep: clock(l.departure),
                          to: l.to_stop_name ?? toName,
                          arr: clock(l.arrival),
                        })
                      : t("busLegWalk", { m: l.meters, from: l.from_stop_name ?? fromName, to: l.to_stop_name ?? toName })}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
