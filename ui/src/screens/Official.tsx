// Công cụ cán bộ: shown only to a logged-in official. Drafting (village head, officer,
// admin), review (editor, admin), counts of answers per unit, and the officer inbox with
// triage marks, assignment (to an officer or another unit), a "Của tôi" filter and answers. The server decides who may do what; its Vietnamese refusal is shown as is.
import { useEffect, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { toBackendError } from "../errors";
import { t, type MessageKey } from "../i18n";
import type {
  AlertInput,
  AssignInput,
  BulletinInput,
  Certainty,
  DraftAttachment,
  DraftFields,
  InboxItem,
  OfficialAnnouncement,
  OfficialSession,
  Reach,
  Severity,
  UnitHouseholds,
  Urgency,
} from "../models";
import { ReachChart } from "../components/ReachChart";
import { bytesToBase64 } from "../feedback";
import { caseCounts, type CaseRow } from "../bulletins";
import { href } from "../route";

/** Most photos and PDFs on one announcement (the server's limit). */
const MAX_ATTACHMENTS = 6;

/** The official tools, or a pointer to the login in Settings. */
export function OfficialScreen({ backend, version }: ScreenProps) {
  const [session, setSession] = useState<OfficialSession | null | undefined>(undefined);
  const [list, setList] = useState<OfficialAnnouncement[]>([]);
  const [inbox, setInbox] = useState<InboxItem[] | null>(null);
  const [reach, setReach] = useState<Reach | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [mine, setMine] = useState(false);
  useEffect(() => {
    backend.getOfficialSession().then(setSession, () => setSession(null));
  }, [backend, version]);
  useEffect(() => {
    if (!session || session.role === "resident") return;
    backend.officialAnnouncements().then(setList, (err) => setError(toBackendError(err).message));
    backend.officialReach().then(setReach, () => setReach(null));
    if (session.role === "officer" || session.role === "admin") {
      backend.officerInbox().then(setInbox, (err) => setError(toBackendError(err).message));
    }
  }, [backend, session, reload, version]);
  const act = (p: Promise<unknown>) =>
    p.then(
      () => {
        setError(null);
        setReload((r) => r + 1);
      },
      (err) => setError(toBackendError(err).message),
    );

  if (session === undefined) return <p class="muted">{t("loading")}</p>;
  if (!session || session.role === "resident") {
    return (
      <section class="screen" aria-labelledby="official-title">
        <h1 id="official-title" tabIndex={-1}>
          {t("officialTitle")}
        </h1>
        <p>{t("officialHint")}</p>
        <a class="button" href={href({ name: "settings" })}>
          {t("loginButton")}
        </a>
      </section>
    );
  }
  const shown = (inbox ?? []).filter((item) => !mine || item.request.assignee?.username === session.username);
  const drafts = session.role === "village_head" || session.role === "officer" || session.role === "admin";
  const reviews = session.role === "editor" || session.role === "admin";
  return (
    <section class="screen" aria-labelledby="official-title">
      <h1 id="official-title" tabIndex={-1}>
        {t("officialTitle")}
      </h1>
      <p class="muted" data-testid="official-session">
        {t("loggedInAs", { name: session.name, role: t(`role_${session.role}` as MessageKey), unit: session.unit })}
      </p>
      {error && (
        <p class="error" role="alert" data-testid="official-error">
          {error}
        </p>
      )}
      {drafts && (
        <DraftForm
          backend={backend}
          unit={session.unit}
          onSave={(fields) =>
            backend.draftAnnouncement(fields).then((outcome) => {
              setReload((r) => r + 1);
              return outcome.queued !== null;
            })
          }
        />
      )}
      <h2>{t("myAnnouncements")}</h2>
      <ul class="card-list">
        {list.map((a) => (
          <li key={a.id} class="request-card" data-testid="official-announcement">
            <strong>{a.title}</strong>
            <span>
              <span class="chip">{t(`ann_${a.status}` as MessageKey)}</span> {a.units.join(", ")}
            </span>
            {a.return_comment && <span>{t("editorComment", { comment: a.return_comment })}</span>}
            {a.status === "published" && (
              <span data-testid="ack-counts">
                {t("ackCounts", {
                  seen: a.acks.seen,
                  going: a.acks.going,
                  notGoing: a.acks.not_going,
                  byProxy: a.acks.by_proxy,
                })}
              </span>
            )}
            {a.author === session.username && a.status === "published" && (
              <Households
                load={() => backend.announcementHouseholds(a.id)}
                onProxy={(name, unit) => act(backend.ackForHousehold(a.id, "seen", null, name, unit))}
                version={a.acks.seen + a.acks.going + a.acks.not_going}
              />
            )}
            <div class="button-row">
              {a.author === session.username && (a.status === "draft" || a.status === "returned") && (
                <button
                  type="button"
                  class="button small-button"
                  onClick={() => act(backend.submitAnnouncement(a.id))}
                  data-testid="submit-announcement"
                >
                  {t("submitButton")}
                </button>
              )}
              {reviews && a.status === "submitted" && (
                <>
                  <button
                    type="button"
                    class="button small-button"
                    onClick={() => act(backend.approveAnnouncement(a.id))}
                    data-testid="approve"
                  >
                    {t("approveButton")}
                  </button>
                  <ReturnButton onReturn={(comment) => act(backend.returnAnnouncement(a.id, comment))} />
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      {reach && (
        <>
          <h2>{t("reachTitle")}</h2>
          <ReachChart weeks={reach.weeks} />
        </>
      )}
      {(session.role === "officer" || session.role === "admin") && (
        <AlertForm unit={session.unit} onIssue={(input) => backend.issueAlert(input)} />
      )}
      {(session.role === "officer" || session.role === "admin") && (
        <BulletinForm unit={session.unit} onPost={(input) => backend.postBulletin(input)} />
      )}
      {inbox !== null && (
        <>
          <h2>{t("inboxTitle")}</h2>
          <div class="check-row">
            <input
              type="checkbox"
              id="inbox-mine"
              class="checkbox"
              checked={mine}
              onChange={(e) => setMine(e.currentTarget.checked)}
              data-testid="inbox-mine"
            />
            <label for="inbox-mine">{t("inboxMine")}</label>
          </div>
          {shown.length === 0 && <p class="empty">{t("inboxEmpty")}</p>}
          <ul class="card-list">
            {shown.map((item) => {
              const id = item.request.request.service_request_id;
              return (
                <li key={id} class="request-card" data-testid="inbox-item">
                  <span>
                    <span class="chip">{t(`urgency_${item.urgency}` as MessageKey)}</span>{" "}
                    {item.request.triage && (
                      <>
                        <span class="chip" data-testid="triage-chip">
                          {t("triageChip")}
                        </span>{" "}
                      </>
                    )}
                    <strong>{item.request.request.service_name}</strong>
                  </span>
                  {item.request.request.description && <span>{item.request.request.description}</span>}
                  {item.request.assignee && (
                    <span class="muted">{t("assignedTo", { name: item.request.assignee.name })}</span>
                  )}
                  {item.urgency !== "done" && (
                    <>
                      <AssignForm id={id} onAssign={(input) => act(backend.assignRequest(id, input))} />
                      <AnswerForm id={id} onAnswer={(text) => act(backend.answerRequest(id, text))} />
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

/** A new draft; the units default to the official's own. */
function DraftForm({
  backend,
  unit,
  onSave,
}: {
  backend: ScreenProps["backend"];
  unit: string;
  onSave: (fields: DraftFields) => Promise<boolean>;
}) {
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [units, setUnits] = useState(unit);
  const [place, setPlace] = useState("");
  const [start, setStart] = useState("");
  const [files, setFiles] = useState<DraftAttachment[]>([]);
  const [fileBusy, setFileBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Photos are shrunk and cleaned by the core; PDFs are kept as they are.
  const addFiles = async (chosen: File[]) => {
    setFileBusy(true);
    setError(null);
    try {
      for (const file of chosen) {
        if (files.length >= MAX_ATTACHMENTS) {
          setError(t("attachTooMany", { max: MAX_ATTACHMENTS }));
          break;
        }
        const data = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
        try {
          const fileId =
            file.type === "application/pdf"
              ? (await backend.prepareDocument(data)).id
              : (await backend.preparePhoto(data)).id;
          setFiles((f) => [...f, { fileId, name: file.name }].slice(0, MAX_ATTACHMENTS));
        } catch (e) {
          setError(t("photoFailed", { name: file.name, message: toBackendError(e).message }));
        }
      }
    } finally {
      setFileBusy(false);
    }
  };
  return (
    <form
      noValidate
      data-testid="draft-form"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        setNote(null);
        // datetime-local is Vietnam time (UTC+7, no daylight saving).
        const eventStart = start ? new Date(`${start}:00+07:00`).toISOString() : null;
        onSave({
          id: null,
          title,
          body,
          units: units.split(",").map((u) => u.trim()).filter((u) => u !== ""),
          eventStart,
          eventPlace: place.trim() || null,
          attachments: files,
        }).then(
          (queued) => {
            setNote(queued ? t("draftQueued") : null);
            setTitle("");
            setBody("");
            setFiles([]);
          },
          (err) => setError(toBackendError(err).message),
        );
      }}
    >
      <h2>{t("draftTitle")}</h2>
      <label class="field-label" for="draft-title">
        {t("draftTitleField")}
      </label>
      <input id="draft-title" class="text-input" value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      <label class="field-label" for="draft-body">
        {t("draftBody")}
      </label>
      <textarea id="draft-body" class="text-input textarea" value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      <label class="field-label" for="draft-units">
        {t("draftUnits")}
      </label>
      <input id="draft-units" class="text-input" value={units} onInput={(e) => setUnits(e.currentTarget.value)} />
      <label class="field-label" for="draft-place">
        {t("draftPlace")}
      </label>
      <input id="draft-place" class="text-input" value={place} onInput={(e) => setPlace(e.currentTarget.value)} />
      <label class="field-label" for="draft-start">
        {t("draftStart")}
      </label>
      <input
        id="draft-start"
        class="text-input"
        type="datetime-local"
        value={start}
        onInput={(e) => setStart(e.currentTarget.value)}
      />
      <label class="field-label" for="draft-files">
        {t("attachLabel", { max: MAX_ATTACHMENTS })}
      </label>
      {files.length > 0 && (
        <ul class="attachment-list">
          {files.map((f) => (
            <li key={f.fileId} data-testid="draft-file">
              <span>{f.name}</span>
              <button
                type="button"
                class="button small-button secondary"
                aria-label={t("attachRemove", { name: f.name })}
                onClick={() => setFiles((all) => all.filter((x) => x.fileId !== f.fileId))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        id="draft-files"
        class="file-input"
        type="file"
        accept="image/jpeg,image/png,image/webp,application/pdf"
        multiple
        disabled={fileBusy || files.length >= MAX_ATTACHMENTS}
        onChange={(e) => {
          const input = e.currentTarget;
          const chosen = [...(input.files ?? [])];
          input.value = "";
          void addFiles(chosen);
        }}
        data-testid="draft-files"
      />
      {fileBusy && <p class="muted">{t("preparingPhoto")}</p>}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {note && <p role="status">{note}</p>}
      <button type="submit" class="button" data-testid="draft-save">
        {t("draftSave")}
      </button>
    </form>
  );
}

function ReturnButton({ onReturn }: { onReturn: (comment: string) => void }) {
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState("");
  if (!open) {
    return (
      <button type="button" class="button small-button secondary" onClick={() => setOpen(true)}>
        {t("returnButton")}
      </button>
    );
  }
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onReturn(comment);
      }}
    >
      <label class="field-label">
        {t("returnComment")}
        <input class="text-input" value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </label>
      <button type="submit" class="button small-button secondary">
        {t("returnButton")}
      </button>
    </form>
  );
}

function AnswerForm({ id, onAnswer }: { id: string; onAnswer: (text: string) => void }) {
  const [text, setText] = useState("");
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onAnswer(text);
      }}
    >
      <label class="field-label" for={`answer-${id}`}>
        {t("answerField")}
      </label>
      <textarea
        id={`answer-${id}`}
        class="text-input textarea"
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        data-testid="answer-text"
      />
      <button type="submit" class="button small-button" data-testid="answer-send">
        {t("answerButton")}
      </button>
    </form>
  );
}

/** Give a request to an officer (username) or route it to another unit (code). */
function AssignForm({ id, onAssign }: { id: string; onAssign: (input: AssignInput) => void }) {
  const [target, setTarget] = useState("");
  const send = (kind: "person" | "unit") => {
    const value = target.trim();
    onAssign(kind === "person" ? { unit: null, assignee: value } : { unit: value, assignee: null });
  };
  return (
    <form noValidate onSubmit={(e) => e.preventDefault()}>
      <label class="field-label" for={`assign-${id}`}>
        {t("assignField")}
      </label>
      <input
        id={`assign-${id}`}
        class="text-input"
        value={target}
        onInput={(e) => setTarget(e.currentTarget.value)}
      />
      <button type="button" class="button small-button" onClick={() => send("person")}>
        {t("assignPerson")}
      </button>{" "}
      <button type="button" class="button small-button" onClick={() => send("unit")}>
        {t("assignUnit")}
      </button>
    </form>
  );
}

/** The author's list of households not yet reached, per village, each with a
 * button that records "đã xem" on its behalf (marked and audited by the server). */
function Households({
  load,
  onProxy,
  version,
}: {
  load: () => Promise<UnitHouseholds[]>;
  onProxy: (name: string, unit: string) => void;
  version: number;
}) {
  const [units, setUnits] = useState<UnitHouseholds[] | null>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) load().then(setUnits, () => setUnits([]));
  }, [open, version]);
  if (!open) {
    return (
      <button type="button" class="button small-button secondary" onClick={() => setOpen(true)} data-testid="households">
        {t("householdsButton")}
      </button>
    );
  }
  if (units === null) return <p class="muted">{t("loading")}</p>;
  if (units.length === 0) return <p class="muted">{t("householdsNone")}</p>;
  return (
    <ul class="card-list" data-testid="households-list">
      {units.map((u) => (
        <li key={u.unit}>
          <strong>{t("householdsOfUnit", { unit: u.unit, reached: u.households - u.not_reached.length, total: u.households })}</strong>
          <ul>
            {u.not_reached.map((name) => (
              <li key={name}>
                {name}{" "}
                <button type="button" class="button small-button" onClick={() => onProxy(name, u.unit)}>
                  {t("householdsProxy")}
                </button>
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}

const SEVERITIES: Severity[] = ["Extreme", "Severe", "Moderate", "Minor"];
const URGENCIES: Urgency[] = ["Immediate", "Expected", "Future"];
const CERTAINTIES: Certainty[] = ["Observed", "Likely", "Possible"];

/** Today's date in Vietnam (YYYY-MM-DD), the default day of a bulletin. */
function vietnamToday(): string {
  return new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10);
}


type PlaceRow = { name: string; address: string; hours: string; vaccine: string };

/** An epidemic bulletin: figures by unit (the units it goes to) and vaccination
 * places. The server checks every figure and answers in Vietnamese. */
function BulletinForm({ unit, onPost }: { unit: string; onPost: (input: BulletinInput) => Promise<unknown> }) {
  const [date, setDate] = useState(vietnamToday());
  const [disease, setDisease] = useState("");
  const [cases, setCases] = useState<CaseRow[]>([{ unit, newCases: "", recovered: "", deaths: "" }]);
  const [places, setPlaces] = useState<PlaceRow[]>([]);
  const [advice, setAdvice] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const setCase = (i: number, change: Partial<CaseRow>) =>
    setCases((rows) => rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const setPlace = (i: number, change: Partial<PlaceRow>) =>
    setPlaces((rows) => rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  return (
    <form
      noValidate
      data-testid="bulletin-form"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        setNote(null);
        const counted = caseCounts(cases);
        if (typeof counted === "string") {
          setError(counted);
          return;
        }
        onPost({
          date,
          disease,
          cases: counted,
          places: places.map((p) => ({ name: p.name, address: p.address, hours: p.hours, vaccine: p.vaccine })),
          note: advice,
        }).then(
          () => setNote(t("bulletinPosted")),
          (err) => setError(toBackendError(err).message),
        );
      }}
    >
      <h2>{t("bulletinFormTitle")}</h2>
      <label class="field-label" for="bulletin-date">
        {t("bulletinDate")}
      </label>
      <input id="bulletin-date" class="text-input" type="date" value={date} onInput={(e) => setDate(e.currentTarget.value)} />
      <label class="field-label" for="bulletin-disease">
        {t("bulletinDisease")}
      </label>
      <input
        id="bulletin-disease"
        class="text-input"
        value={disease}
        placeholder="COVID-19"
        onInput={(e) => setDisease(e.currentTarget.value)}
      />
      <fieldset class="rows">
        <legend>{t("bulletinCases")}</legend>
        {cases.map((r, i) => (
          <div key={i} class="row-fields" data-testid="bulletin-case-row">
            <input
              class="text-input"
              aria-label={t("bulletinUnit")}
              placeholder={t("bulletinUnit")}
              value={r.unit}
              onInput={(e) => setCase(i, { unit: e.currentTarget.value })}
            />
            {(
              [
                ["newCases", "bulletinNew"],
                ["recovered", "bulletinRecovered"],
                ["deaths", "bulletinDeaths"],
              ] as const
            ).map(([key, label]) => (
              <input
                key={key}
                class="text-input"
                inputMode="numeric"
                aria-label={t(label)}
                placeholder={t(label)}
                value={r[key]}
                onInput={(e) => setCase(i, { [key]: e.currentTarget.value })}
                data-testid={`bulletin-${key}`}
              />
            ))}
            {cases.length > 1 && (
              <button
                type="button"
                class="button small-button secondary"
                aria-label={t("bulletinRemoveRow", { n: i + 1 })}
                onClick={() => setCases((rows) => rows.filter((_, j) => j !== i))}
              >
                ×
              </button>
            )}
          </div>
        ))}
        <button
          type="button"
          class="button small-button secondary"
          onClick={() => setCases((rows) => [...rows, { unit: "", newCases: "", recovered: "", deaths: "" }])}
        >
          {t("bulletinAddUnit")}
        </button>
      </fieldset>
      <fieldset class="rows">
        <legend>{t("bulletinPlaces")}</legend>
        {places.map((p, i) => (
          <div key={i} class="row-fields" data-testid="bulletin-place-row">
            {(
              [
                ["name", "bulletinPlaceName"],
                ["address", "bulletinPlaceAddress"],
                ["hours", "bulletinPlaceHours"],
                ["vaccine", "bulletinPlaceVaccine"],
              ] as const
            ).map(([key, label]) => (
              <input
                key={key}
                class="text-input"
                aria-label={t(label)}
                placeholder={t(label)}
                value={p[key]}
                onInput={(e) => setPlace(i, { [key]: e.currentTarget.value })}
              />
            ))}
            <button
              type="button"
              class="button small-button secondary"
              aria-label={t("bulletinRemoveRow", { n: i + 1 })}
              onClick={() => setPlaces((rows) => rows.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        ))}
        <button
          type="button"
          class="button small-button secondary"
          onClick={() => setPlaces((rows) => [...rows, { name: "", address: "", hours: "", vaccine: "" }])}
          data-testid="bulletin-add-place"
        >
          {t("bulletinAddPlace")}
        </button>
      </fieldset>
      <label class="field-label" for="bulletin-note">
        {t("bulletinNote")}
      </label>
      <textarea id="bulletin-note" class="text-input textarea" value={advice} onInput={(e) => setAdvice(e.currentTarget.value)} />
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {note && (
        <p role="status" data-testid="bulletin-posted">
          {note}
        </p>
      )}
      <button type="submit" class="button" data-testid="bulletin-post">
        {t("bulletinPost")}
      </button>
    </form>
  );
}

/** Cảnh báo: an officer issues a CAP alert for units they cover (online, at once). */
function AlertForm({ unit, onIssue }: { unit: string; onIssue: (input: AlertInput) => Promise<unknown> }) {
  const [event, setEvent] = useState("");
  const [headline, setHeadline] = useState("");
  const [description, setDescription] = useState("");
  const [instruction, setInstruction] = useState("");
  const [units, setUnits] = useState(unit);
  const [severity, setSeverity] = useState<Severity>("Severe");
  const [urgency, setUrgency] = useState<Urgency>("Immediate");
  const [certainty, setCertainty] = useState<Certainty>("Likely");
  const [expires, setExpires] = useState("");
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      noValidate
      data-testid="alert-form"
      onSubmit={(e) => {
        e.preventDefault();
        setError(null);
        setNote(null);
        onIssue({
          units: units.split(",").map((u) => u.trim()).filter((u) => u !== ""),
          category: "Met",
          event,
          urgency,
          severity,
          certainty,
          headline,
          description,
          instruction,
          // datetime-local is Vietnam time (UTC+7, no daylight saving).
          expires: expires ? `${expires}:00+07:00` : null,
        }).then(
          () => {
            setNote(t("alertIssued"));
            setHeadline("");
            setDescription("");
            setInstruction("");
          },
          (err) => setError(toBackendError(err).message),
        );
      }}
    >
      <h2>{t("alertFormTitle")}</h2>
      <label class="field-label" for="alert-event">
        {t("alertEvent")}
      </label>
      <input id="alert-event" class="text-input" value={event} onInput={(e) => setEvent(e.currentTarget.value)} />
      <label class="field-label" for="alert-headline">
        {t("alertHeadline")}
      </label>
      <input id="alert-headline" class="text-input" value={headline} onInput={(e) => setHeadline(e.currentTarget.value)} />
      <label class="field-label" for="alert-description">
        {t("alertDescription")}
      </label>
      <textarea
        id="alert-description"
        class="text-input textarea"
        value={description}
        onInput={(e) => setDescription(e.currentTarget.value)}
      />
      <label class="field-label" for="alert-instruction">
        {t("alertInstruction")}
      </label>
      <textarea
        id="alert-instruction"
        class="text-input textarea"
        value={instruction}
        onInput={(e) => setInstruction(e.currentTarget.value)}
      />
      <label class="field-label" for="alert-severity">
        {t("alertSeverity")}
      </label>
      <select id="alert-severity" class="text-input" value={severity} onChange={(e) => setSeverity(e.currentTarget.value as Severity)}>
        {SEVERITIES.map((s) => (
          <option key={s} value={s}>
            {t(`severity_${s}` as MessageKey)}
          </option>
        ))}
      </select>
      <label class="field-label" for="alert-urgency">
        {t("alertUrgency")}
      </label>
      <select id="alert-urgency" class="text-input" value={urgency} onChange={(e) => setUrgency(e.currentTarget.value as Urgency)}>
        {URGENCIES.map((u) => (
          <option key={u} value={u}>
            {t(`urgency_${u}` as MessageKey)}
          </option>
        ))}
      </select>
      <label class="field-label" for="alert-certainty">
        {t("alertCertainty")}
      </label>
      <select
        id="alert-certainty"
        class="text-input"
        value={certainty}
        onChange={(e) => setCertainty(e.currentTarget.value as Certainty)}
      >
        {CERTAINTIES.map((c) => (
          <option key={c} value={c}>
            {t(`certainty_${c}` as MessageKey)}
          </option>
        ))}
      </select>
      <label class="field-label" for="alert-units">
        {t("draftUnits")}
      </label>
      <input id="alert-units" class="text-input" value={units} onInput={(e) => setUnits(e.currentTarget.value)} />
      <label class="field-label" for="alert-expires">
        {t("alertExpiresField")}
      </label>
      <input
        id="alert-expires"
        class="text-input"
        type="datetime-local"
        value={expires}
        onInput={(e) => setExpires(e.currentTarget.value)}
      />
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {note && (
        <p role="status" data-testid="alert-issued">
          {note}
        </p>
      )}
      <button type="submit" class="button" data-testid="alert-issue">
        {t("alertIssue")}
      </button>
    </form>
  );
}
