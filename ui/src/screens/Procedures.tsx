// Thủ tục hành chính: search as you type (debounced, stale answers dropped), level and
// field filters, and a procedure's detail with a document checklist that persists.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { toBackendError } from "../errors";
import { t } from "../i18n";
import type { Procedure, ProcedureFacets, ProcedureHit } from "../models";
import { href } from "../route";

const DEBOUNCE_MS = 120;
const RESULT_LIMIT = 50;

/** Search state kept across visits to a procedure's detail and back. */
const remembered = { text: "", level: "", field: "" };

/** Search screen. */
export function ProceduresScreen({ backend, version, onFreshness }: ScreenProps) {
  const [text, setText] = useState(remembered.text);
  const [level, setLevel] = useState(remembered.level);
  const [field, setField] = useState(remembered.field);
  const [facets, setFacets] = useState<ProcedureFacets | null>(null);
  const [hits, setHits] = useState<ProcedureHit[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  useEffect(() => {
    backend.procedureFacets().then(setFacets, () => setFacets({ levels: [], fields: [] }));
  }, [backend, version]);

  useEffect(() => {
    Object.assign(remembered, { text, level, field });
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      backend
        .searchProcedures({ text, level: level || null, field: field || null, limit: RESULT_LIMIT })
        .then(
          (r) => {
            if (mine !== seq.current) return; // a newer search is under way
            setHits(r.hits);
            setTotal(r.total);
            setError(null);
            onFreshness(r.freshness);
          },
          (e) => {
            if (mine === seq.current) setError(toBackendError(e).message);
          },
        );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [backend, version, text, level, field]);

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
      <p class="result-count" aria-live="polite" data-testid="result-count">
        {hits === null ? t("loading") : t("resultCount", { n: total })}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {hits !== null && hits.length === 0 && <p class="empty">{t("noResults")}</p>}
      {hits !== null && hits.length > 0 && (
        <ul class="card-list">
          {hits.map((h) => (
            <li key={h.code}>
              <a class="hit-card" href={href({ name: "procedure", code: h.code })} data-testid="procedure-hit" data-code={h.code}>
                <span class="hit-name">{h.name}</span>
                <span class="hit-meta">
                  {h.field} · {h.levels.join(", ")}
                </span>
              </a>
            </li>
          ))}
        </ul>
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
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    backend.getProcedure(code).then(
      (d) => {
        if (!live) return;
        setProcedure(d.procedure);
        setChecked(d.checked);
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
