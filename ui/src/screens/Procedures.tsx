// Thủ tục hành chính: the opening screen before anything is typed (most asked procedures,
// life events with their short lists, recent and saved ones), search as you type (debounced,
// stale answers dropped; a weak answer says so and offers the commune's own channel), level
// and field filters, and a procedure's detail with a save toggle and a document checklist
// that persists.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { toBackendError } from "../errors";
import { getLang, t } from "../i18n";
import type { HomeUnit, Procedure, ProcedureFacets, ProcedureHit, ProcedureHome } from "../models";
import { catalogueLine, eventTitle, isSearching, procedureView } from "../procedures";
import { href } from "../route";

const DEBOUNCE_MS = 120;
const RESULT_LIMIT = 50;

/** Search state kept across visits to a procedure's detail and back. */
const remembered = { text: "", level: "", field: "", lastEvent: "" };

/** One search answer, with the text it answers (shown in the weak notice). */
type Results = { text: string; hits: ProcedureHit[]; total: number; weak: boolean };

/** A list of procedures, each a link to its detail. */
function HitList({ hits, testId, ordered = false }: { hits: ProcedureHit[]; testId: string; ordered?: boolean }) {
  const items = hits.map((h) => (
    <li key={h.code}>
      <a class="hit-card" href={href({ name: "procedure", code: h.code })} data-testid={testId} data-code={h.code}>
        <span class="hit-name">{h.name}</span>
        <span class="hit-meta">
          {h.field} · {h.levels.join(", ")}
        </span>
      </a>
    </li>
  ));
  return ordered ? <ol class="card-list numbered">{items}</ol> : <ul class="card-list">{items}</ul>;
}

/** The opening screen: life events, saved, recent, most asked, and the catalogue line. */
function OpeningScreen({ home, now }: { home: ProcedureHome; now: Date }) {
  const lang = getLang();
  const empty = home.total === 0;
  return (
    <div class="procedure-home" data-testid="procedure-home">
      <p class="muted catalogue-line" data-testid="catalogue-line">
        {catalogueLine(home.total, home.freshness, now, lang)}
      </p>
      {empty && <p class="empty">{t("noProceduresSynced")}</p>}
      {home.events.length > 0 && (
        <section aria-labelledby="life-events-title">
          <h2 id="life-events-title">{t("lifeEventsTitle")}</h2>
          <ul class="event-grid">
            {home.events.map((e) => (
              <li key={e.id}>
                <a
                  class="event-tile"
                  href={href({ name: "lifeEvent", id: e.id })}
                  data-route-focus={remembered.lastEvent === e.id ? "" : undefined}
                  data-testid="life-event"
                  data-id={e.id}
                >
                  <span class="event-title">{eventTitle(e, lang)}</span>
                  <span class="event-count">{t("resultCount", { n: e.procedures.length })}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {home.saved.length > 0 && (
        <section aria-labelledby="saved-title">
          <h2 id="saved-title">{t("savedTitle")}</h2>
          <HitList hits={home.saved} testId="saved-hit" />
        </section>
      )}
      {home.recent.length > 0 && (
        <section aria-labelledby="recent-title">
          <h2 id="recent-title">{t("recentTitle")}</h2>
          <HitList hits={home.recent} testId="recent-hit" />
        </section>
      )}
      {home.popular.length > 0 && (
        <section aria-labelledby="popular-title">
          <h2 id="popular-title">{t("popularTitle")}</h2>
          <HitList hits={home.popular} testId="popular-hit" />
        </section>
      )}
    </div>
  );
}

/** The card that sends a resident whose question matches no procedure to the commune's own channel. */
function AskCommune({ unit }: { unit: HomeUnit }) {
  return (
    <div class="ask-card" data-testid="ask-commune">
      <p class="ask-title">{t("askCommuneTitle")}</p>
      <p class="small">{t("askCommuneHint", { unit: unit.name })}</p>
      <a class="button ask-button" href={href({ name: "feedback" })} data-testid="ask-commune-button">
        {t("askCommune", { unit: unit.name })}
      </a>
    </div>
  );
}

/** Search screen, with the opening screen and life events before anything is typed. */
export function ProceduresScreen({
  backend,
  version,
  now,
  onFreshness,
  home: unit,
  eventId,
}: ScreenProps & { home: HomeUnit; eventId: string | null }) {
  const [text, setTextState] = useState(remembered.text);
  const [level, setLevelState] = useState(remembered.level);
  const [field, setFieldState] = useState(remembered.field);
  // What the user typed or chose is remembered at once, not in an effect after
  // the next paint: a screen mounted again before that paint (a route or sync
  // re-render) must not bring back the search the user just cleared.
  const setText = (v: string) => setTextState((remembered.text = v));
  const setLevel = (v: string) => setLevelState((remembered.level = v));
  const setField = (v: string) => setFieldState((remembered.field = v));
  const [facets, setFacets] = useState<ProcedureFacets | null>(null);
  const [home, setHome] = useState<ProcedureHome | null>(null);
  const [results, setResults] = useState<Results | null>(null);
  const [homeError, setHomeError] = useState<string | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const seq = useRef(0);
  const input = { text, level, field };
  const searching = isSearching(input);
  const view = procedureView(input, eventId, home);

  useEffect(() => {
    backend.procedureFacets().then(setFacets, () => setFacets({ levels: [], fields: [] }));
  }, [backend, version]);

  useEffect(() => {
    let live = true;
    backend.procedureHome().then(
      (h) => {
        if (!live) return;
        setHome(h);
        setHomeError(null);
      },
      (e) => live && setHomeError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, version]);

  // The freshness of what is on screen: the catalogue's, from the answer shown.
  useEffect(() => {
    if (!searching && home) onFreshness(home.freshness);
  }, [searching, home]);

  useEffect(() => {
    const mine = ++seq.current;
    if (!searching) {
      setResults(null);
      setSearchError(null);
      return;
    }
    const timer = setTimeout(() => {
      backend
        .searchProcedures({ text, level: level || null, field: field || null, limit: RESULT_LIMIT })
        .then(
          (r) => {
            if (mine !== seq.current) return; // a newer search is under way
            setResults({ text: text.trim(), hits: r.hits, total: r.total, weak: r.weak });
            setSearchError(null);
            onFreshness(r.freshness);
          },
          (e) => {
            if (mine === seq.current) setSearchError(toBackendError(e).message);
          },
        );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [backend, version, text, level, field]);

  const error = searching ? searchError : homeError;
  // Back from a life event, focus lands on its tile (app.tsx focuses [data-route-focus]); only once.
  if (view.kind === "event") remembered.lastEvent = view.event.id;
  useEffect(() => {
    if (view.kind === "home") remembered.lastEvent = "";
  });

  return (
    <section class="screen" aria-labelledby="procedures-title">
      <h1 id="procedures-title" tabIndex={-1}>
        {t("proceduresTitle")}
      </h1>
      <form class="search-form" role="search" onSubmit={(e) => e.preventDefault()}>
        <label for="procedure-search" class="field-label">
          {t("searchLabel")}
        </label>
        <input
          id="procedure-search"
          type="search"
          class="text-input"
          value={text}
          placeholder={t("searchPlaceholder")}
          autocomplete="off"
          spellcheck={false}
          enterKeyHint="search"
          onInput={(e) => setText(e.currentTarget.value)}
          data-testid="procedure-search"
        />
        <div class="filters">
          <div class="filter">
            <label for="level-filter" class="field-label">
              {t("levelLabel")}
            </label>
            <select
              id="level-filter"
              class="select"
              value={level}
              onChange={(e) => setLevel(e.currentTarget.value)}
              data-testid="level-filter"
            >
              <option value="">{t("allLevels")}</option>
              {facets?.levels.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.value} ({f.count})
                </option>
              ))}
            </select>
          </div>
          <div class="filter">
            <label for="field-filter" class="field-label">
              {t("fieldLabel")}
            </label>
            <select
              id="field-filter"
              class="select"
              value={field}
              onChange={(e) => setField(e.currentTarget.value)}
              data-testid="field-filter"
            >
              <option value="">{t("allFields")}</option>
              {facets?.fields.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.value} ({f.count})
                </option>
              ))}
            </select>
          </div>
        </div>
      </form>
      {/* One live region for what the search found, so each answer is announced once. */}
      <div class="search-status" aria-live="polite">
        {view.kind === "results" &&
          (results === null ? (
            <p class="result-count" data-testid="result-count">
              {t("loading")}
            </p>
          ) : results.weak ? (
            <p class="weak-notice" data-testid="weak-notice">
              {t("weakNotice", { q: results.text })}
            </p>
          ) : (
            <p class="result-count" data-testid="result-count">
              {t("resultCount", { n: results.total })}
            </p>
          ))}
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {view.kind === "loading" && !error && <p class="muted">{t("loading")}</p>}
      {view.kind === "home" && home && <OpeningScreen home={home} now={now} />}
      {view.kind === "event" && (
        <section class="life-event" data-testid="life-event-list" aria-labelledby="life-event-title">
          <a class="back-link" href={href({ name: "procedures" })} data-testid="life-event-back">
            ‹ {t("back")}
          </a>
          <h2 id="life-event-title" tabIndex={-1} data-route-focus="">
            {eventTitle(view.event, getLang())}
          </h2>
          <p class="muted">{t("eventIntro")}</p>
          <HitList hits={view.event.procedures} testId="event-hit" ordered />
        </section>
      )}
      {view.kind === "results" && results !== null && (
        <>
          {results.weak && <AskCommune unit={unit} />}
          {results.weak && results.hits.length > 0 && <h2 class="maybe-title">{t("maybeYouNeed")}</h2>}
          {results.hits.length === 0 ? (
            !results.weak && <p class="empty">{t("noResults")}</p>
          ) : (
            <HitList hits={results.hits} testId="procedure-hit" />
          )}
        </>
      )}
    </section>
  );
}

function Info({ label, value }: { label: string; value: string }) {
  const v = value.trim();
  return (
    <div class="info-row">
      <dt>{label}</dt>
      <dd>{v === "" ? t("noInfo") : v}</dd>
    </div>
  );
}

function Checklist({ procedure, checked, onToggle }: { procedure: Procedure; checked: number[]; onToggle: (i: number, on: boolean) => void }) {
  let lastGroup = "";
  return (
    <ul class="checklist">
      {procedure.documents.map((doc, i) => {
        const group = doc.group !== lastGroup ? doc.group : "";
        lastGroup = doc.group;
        const id = `doc-${i}`;
        return (
          <li key={i}>
            {group && <p class="doc-group">{group}</p>}
            <div class="check-row">
              <input
                id={id}
                type="checkbox"
                class="checkbox"
                checked={checked.includes(i)}
                onChange={(e) => onToggle(i, e.currentTarget.checked)}
                data-testid="doc-check"
                data-index={i}
              />
              <label for={id}>
                {doc.name}
                {doc.copies && <span class="copies">{doc.copies}</span>}
              </label>
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** One procedure. */
export function ProcedureDetailScreen({ backend, version, onFreshness, code }: ScreenProps & { code: string }) {
  const [procedure, setProcedure] = useState<Procedure | null>(null);
  const [checked, setChecked] = useState<number[]>([]);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    backend.getProcedure(code).then(
      (d) => {
        if (!live) return;
        setProcedure(d.procedure);
        setChecked(d.checked);
        setSaved(d.saved);
        setError(null);
        onFreshness(d.freshness);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, version, code]);

  const toggle = async (index: number, on: boolean) => {
    const before = checked;
    setChecked(on ? [...before, index] : before.filter((i) => i !== index));
    try {
      setChecked(await backend.setDocumentChecked(code, index, on));
    } catch (e) {
      setChecked(before);
      setError(toBackendError(e).message);
    }
  };

  const toggleSaved = async () => {
    const on = !saved;
    setSaved(on);
    try {
      await backend.setProcedureSaved(code, on);
    } catch (e) {
      setSaved(!on);
      setError(toBackendError(e).message);
    }
  };

  return (
    <article class="screen" aria-labelledby="procedure-title">
      <a class="back-link" href={href({ name: "procedures" })}>
        ‹ {t("back")}
      </a>
      <h1 id="procedure-title" tabIndex={-1} data-testid="procedure-title">
        {procedure ? procedure.name : error ? t("proceduresTitle") : t("loading")}
      </h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {procedure && (
        <>
          <button
            type="button"
            class={saved ? "save-toggle is-saved" : "save-toggle"}
            aria-pressed={saved ? "true" : "false"}
            onClick={() => void toggleSaved()}
            data-testid="save-procedure"
          >
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
              <path
                fill={saved ? "currentColor" : "none"}
                stroke="currentColor"
                stroke-width="2"
                stroke-linejoin="round"
                d="M6 3h12v18l-6-4.5L6 21z"
              />
            </svg>
            <span>{saved ? t("savedProcedure") : t("saveProcedure")}</span>
          </button>
          <dl class="info">
            <Info label={t("code")} value={procedure.code} />
            <Info label={t("levelsLabel")} value={procedure.levels.join(", ")} />
            <Info label={t("fieldLabel")} value={procedure.field} />
            <Info label={t("applicants")} value={procedure.applicants} />
          </dl>

          <h2>{t("documents")}</h2>
          <p class="muted" aria-live="polite" data-testid="doc-progress">
            {t("documentsChecked", { n: checked.length, total: procedure.documents.length })}
          </p>
          {procedure.documents.length === 0 ? (
            <p class="empty">{t("noInfo")}</p>
          ) : (
            <Checklist procedure={procedure} checked={checked} onToggle={(i, on) => void toggle(i, on)} />
          )}

          <h2>{t("steps")}</h2>
          {procedure.steps.length === 0 ? (
            <p class="empty">{t("noInfo")}</p>
          ) : (
            <ol class="steps">
              {procedure.steps.map((s, i) => (
                <li key={i}>{s}</li>
              ))}
            </ol>
          )}

          <h2>{t("channels")}</h2>
          {procedure.channels.length === 0 ? (
            <p class="empty">{t("noInfo")}</p>
          ) : (
            <ul class="channel-list">
              {procedure.channels.map((c, i) => (
                <li key={i} class="channel">
                  <h3>{c.mode}</h3>
                  <dl class="info">
                    <Info label={t("channelDuration")} value={c.duration} />
                    <Info label={t("channelFee")} value={c.fee} />
                  </dl>
                  {c.description && <p class="small">{c.description}</p>}
                </li>
              ))}
            </ul>
          )}

          <h2>{t("legalBasis")}</h2>
          {procedure.legal_basis.length === 0 ? (
            <p class="empty">{t("noInfo")}</p>
          ) : (
            <ul class="legal-list">
              {procedure.legal_basis.map((l, i) => (
                <li key={i}>
                  {l.number && <strong>{l.number}</strong>} {l.title}
                </li>
              ))}
            </ul>
          )}

          <h2>{t("agency")}</h2>
          <dl class="info">
            <Info label={t("agency")} value={procedure.agency} />
            <Info label={t("authority")} value={procedure.authority} />
            <Info label={t("address")} value={procedure.address} />
            <Info label={t("decision")} value={procedure.decision} />
          </dl>
        </>
      )}
    </article>
  );
}
