// Của tôi: my requests (queued ones as "Đang chờ gửi") with status, deadline and working
// time left; the outbox (hàng chờ gửi) with state, attempts, last error and "Gửi ngay";
// one request's detail with its status timeline, the official answer, rating and reopening.
// Also the "Trong phường" page (public requests of the ward with "Tôi cũng gặp").
import { useEffect, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import type { Backend } from "../backend";
import { FeedbackNav, PublicRequests, StatusChip } from "../components/Feedback";
import { toBackendError } from "../errors";
import { isOpenStatus, statusKey, timeLeft } from "../feedback";
import { formatDateTime, relativeTime } from "../format";
import { getLang, t } from "../i18n";
import type { DrainProgress, MyRequestDetail, MyRequestSummary, OutboxEntry, TimeLeft } from "../models";
import { href } from "../route";

function Deadline({ deadline, left, status }: { deadline: string | null; left: TimeLeft | null; status: string }) {
  if (deadline === null || left === null || !isOpenStatus(status)) return null;
  const lang = getLang();
  return (
    <p class={`deadline${left.overdue ? " is-late" : ""}`} data-testid="deadline">
      {t("deadlineLabel")}: {formatDateTime(deadline, lang)} · <strong>{timeLeft(left, lang)}</strong>
    </p>
  );
}

/** The outbox with "Gửi ngay" and drain progress. Calls onChange after a drain. */
function Outbox({ backend, version, onChange }: { backend: Backend; version: number; onChange: () => void }) {
  const [rows, setRows] = useState<OutboxEntry[] | null>(null);
  const [progress, setProgress] = useState<DrainProgress | null>(null);
  const [draining, setDraining] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    backend.listOutbox().then(
      (r) => live && setRows(r),
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, version, tick]);

  useEffect(() => {
    const sub = backend.onOutboxProgress((p) => {
      setProgress(p);
      setTick((n) => n + 1);
    });
    return () => void sub.then((off) => off());
  }, [backend]);

  const drain = async () => {
    setDraining(true);
    setMessage(null);
    setError(null);
    try {
      const report = await backend.drainOutbox();
      setMessage(report.pending > 0 && report.sent === 0 ? t("savedOffline") : t("drainDone", { sent: report.sent, pending: report.pending }));
    } catch (e) {
      setError(t("drainFailed", { message: toBackendError(e).message }));
    } finally {
      setDraining(false);
      setProgress(null);
      setTick((n) => n + 1);
      onChange();
    }
  };

  const retry = async (id: bigint | number) => {
    setError(null);
    try {
      await backend.retryOutbox(id);
    } catch (e) {
      setError(toBackendError(e).message);
      return;
    }
    await drain();
  };

  return (
    <section class="outbox" aria-labelledby="outbox-title">
      <h2 id="outbox-title">{t("outboxTitle")}</h2>
      {rows !== null && rows.length === 0 && <p class="muted">{t("outboxEmpty")}</p>}
      {rows !== null && rows.length > 0 && (
        <ul class="outbox-list">
          {rows.map((r) => (
            <li key={r.id} class={`outbox-item is-${r.state}`} data-testid="outbox-item" data-state={r.state}>
              <span class="outbox-kind">{t(`outboxKind_${r.kind}`)}</span>
              <span class="outbox-summary">{r.summary}</span>
              <span class="outbox-meta">
                {t(`outboxState_${r.state}`)}
                {r.attempts > 0 && ` · ${t("attempts", { n: r.attempts })}`}
              </span>
              {r.lastError && <span class="outbox-error">{t("lastError", { message: r.lastError.message })}</span>}
              {r.state === "pending" && r.nextAttemptAt && (
                <span class="outbox-meta">{t("nextTry", { time: formatDateTime(r.nextAttemptAt, getLang()) })}</span>
              )}
              {r.state === "failed_permanent" && (
                <button
                  type="button"
                  class="button secondary"
                  disabled={draining}
                  onClick={() => void retry(r.id)}
                  data-testid="retry-outbox"
                >
                  {t("retry")}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <div class="drain-row">
        <button
          type="button"
          class="button"
          onClick={() => void drain()}
          disabled={draining || rows === null || rows.length === 0}
          data-testid="drain-outbox"
        >
          {t("sendNow")}
        </button>
        {draining && progress && progress.total > 0 && (
          <progress class="drain-progress" max={progress.total} value={progress.done} aria-label={t("sendingProgress", { done: progress.done, total: progress.total })} />
        )}
      </div>
      <p class="small" role="status" aria-live="polite" data-testid="drain-status">
        {draining
          ? t("sendingProgress", { done: progress?.done ?? 0, total: progress?.total ?? rows?.length ?? 0 })
          : (message ?? "")}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** The "Của tôi" list with the outbox. */
export function MyRequestsScreen({ backend, version, now, onFreshness }: ScreenProps) {
  const [items, setItems] = useState<MyRequestSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const lang = getLang();

  useEffect(() => {
    let live = true;
    backend.listMyRequests().then(
      (list) => {
        if (!live) return;
        setItems(list.items);
        setError(null);
        onFreshness(list.freshness);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, version, reload]);

  return (
    <section class="screen" aria-labelledby="my-requests-title">
      <FeedbackNav active="myRequests" />
      <h1 id="my-requests-title" tabIndex={-1}>
        {t("myRequestsTitle")}
      </h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null && !error && <p class="muted">{t("loading")}</p>}
      {items !== null && items.length === 0 && <p class="empty">{t("myRequestsEmpty")}</p>}
      {items !== null && items.length > 0 && (
        <ul class="card-list">
          {items.map((r) => (
            <li key={r.id}>
              <a class="request-card is-link" href={href({ name: "myRequest", id: r.id })} data-testid="my-request" data-id={r.id}>
                <span class="request-head">
                  <span class="request-service">{r.serviceName}</span>
                  <StatusChip status={r.detailedStatus} />
                </span>
                <span class="request-excerpt">{r.excerpt}</span>
                <span class="request-meta">{t("sentAgo", { ago: relativeTime(r.requestedAt, now, lang) })}</span>
                {r.deadline !== null && r.timeLeft !== null && isOpenStatus(r.detailedStatus) && (
                  <span class={`deadline${r.timeLeft.overdue ? " is-late" : ""}`}>
                    {t("deadlineLabel")}: {formatDateTime(r.deadline, lang)} · <strong>{timeLeft(r.timeLeft, lang)}</strong>
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
      )}
      <Outbox backend={backend} version={version} onChange={() => setReload((n) => n + 1)} />
    </section>
  );
}

function RateForm({ onRate }: { onRate: (stars: number, comment: string | null) => Promise<void> }) {
  const [stars, setStars] = useState(0);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      class="rate-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (stars < 1) {
          setError(t("errStars"));
          return;
        }
        setError(null);
        void onRate(stars, comment.trim() === "" ? null : comment.trim());
      }}
    >
      <h2>{t("rateTitle")}</h2>
      <fieldset class="stars" aria-describedby={error ? "stars-error" : undefined}>
        <legend class="field-label">{t("starsLegend")}</legend>
        <div class="star-row">
          {[1, 2, 3, 4, 5].map((n) => (
            <span key={n} class="star">
              <input type="radio" id={`star-${n}`} name="stars" value={n} checked={stars === n} onChange={() => setStars(n)} class="star-input" data-testid="rate-star" />
              <label for={`star-${n}`} class={`star-label${n <= stars ? " is-on" : ""}`}>
                <span aria-hidden="true">★</span>
                <span class="sr-only">{t("starsN", { n })}</span>
              </label>
            </span>
          ))}
        </div>
        {error && (
          <p class="field-error" id="stars-error" role="alert">
            {error}
          </p>
        )}
      </fieldset>
      <label class="field-label" for="rate-comment">
        {t("commentLabel")}
      </label>
      <textarea id="rate-comment" class="text-input textarea" rows={3} value={comment} onInput={(e) => setComment(e.currentTarget.value)} data-testid="rate-comment" />
      <button type="submit" class="button" data-testid="rate-submit">
        {t("sendRating")}
      </button>
    </form>
  );
}

function ReopenForm({ onReopen }: { onReopen: (reason: string) => Promise<void> }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      class="reopen-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (reason.trim() === "") {
          setError(t("errReason"));
          return;
        }
        setError(null);
        void onReopen(reason.trim());
      }}
    >
      <h2>{t("reopenTitle")}</h2>
      <label class="field-label" for="reopen-reason">
        {t("reopenReason")}
        <span aria-hidden="true"> *</span>
        <span class="sr-only"> ({t("required")})</span>
      </label>
      <textarea
        id="reopen-reason"
        class="text-input textarea"
        rows={3}
        value={reason}
        aria-required="true"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? "reopen-error" : undefined}
        onInput={(e) => setReason(e.currentTarget.value)}
        data-testid="reopen-reason"
      />
      {error && (
        <p class="field-error" id="reopen-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="button secondary" data-testid="reopen-submit">
        {t("reopenButton")}
      </button>
    </form>
  );
}

/** One of my requests. */
export function MyRequestDetailScreen({ backend, version, id }: ScreenProps & { id: string }) {
  const [detail, setDetail] = useState<MyRequestDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const lang = getLang();
  const req = detail?.request ?? null;

  useEffect(() => {
    let live = true;
    backend.getMyRequest(id).then(
      (d) => {
        if (!live) return;
        setDetail(d);
        setError(null);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, version, id, reload]);

  const after = (message: string) => {
    setNotice(message);
    setReload((n) => n + 1);
    backend
      .drainOutbox()
      .then(() => setReload((n) => n + 1))
      .catch(() => undefined);
  };

  const rate = async (stars: number, comment: string | null) => {
    try {
      await backend.rateRequest(id, stars, comment);
      after(t("ratingSaved"));
    } catch (e) {
      setError(toBackendError(e).message);
    }
  };
  const reopen = async (reason: string) => {
    try {
      await backend.reopenRequest(id, reason);
      after(t("reopenSaved"));
    } catch (e) {
      setError(toBackendError(e).message);
    }
  };

  return (
    <article class="screen" aria-labelledby="request-title">
      <a class="back-link" href={href({ name: "myRequests" })}>
        ‹ {t("back")}
      </a>
      <h1 id="request-title" tabIndex={-1} data-testid="request-title">
        {detail ? detail.serviceName : t("requestTitle")}
      </h1>
      <p class="notice-text" role="status" aria-live="polite">
        {notice ?? ""}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!detail && !error && <p class="muted">{t("loading")}</p>}
      {detail?.error && (
        <p class="error" role="alert">
          {detail.error.message}
        </p>
      )}
      {detail && (
        <>
          <p class="detail-status">
            <StatusChip status={detail.detailedStatus} />{" "}
            {req && <span class="muted">{formatDateTime(req.requested_datetime, lang)}</span>}
          </p>
          <Deadline deadline={detail.deadline} left={detail.timeLeft} status={detail.detailedStatus} />
          <p class="request-description">{detail.description}</p>
          <dl class="info">
            {req && (req.address || req.village || req.lat !== null) && (
              <div class="info-row">
                <dt>{t("placeShown")}</dt>
                <dd>
                  {[req.address, req.village, req.lat !== null && req.long !== null ? `${req.lat.toFixed(5)}, ${req.long.toFixed(5)}` : null]
                    .filter(Boolean)
                    .join(" · ")}
                </dd>
              </div>
            )}
            {req?.agency_responsible && (
              <div class="info-row">
                <dt>{t("handledBy")}</dt>
                <dd>{req.agency_responsible}</dd>
              </div>
            )}
            {req?.officer && (
              <div class="info-row">
                <dt>{t("officerLabel")}</dt>
                <dd>{req.officer}</dd>
              </div>
            )}
          </dl>
          {detail.pending && <p class="empty">{t("pendingNotice")}</p>}

          <h2>{t("timelineTitle")}</h2>
          {detail.timeline.length === 0 ? (
            <p class="muted">{t(statusKey("queued"))}</p>
          ) : (
            <ol class="timeline" data-testid="request-timeline">
              {detail.timeline.map((e, i) => (
                <li key={`${e.status}-${e.at}-${i}`} class={`timeline-entry is-${e.status}`} data-testid="timeline-entry" data-status={e.status}>
                  <span class="timeline-status">{t(statusKey(e.status))}</span>
                  <time class="timeline-time" dateTime={e.at}>
                    {formatDateTime(e.at, lang)}
                  </time>
                  {e.officer && <span class="timeline-who">{e.officer}</span>}
                  {e.note && <span class="timeline-note">{e.note}</span>}
                </li>
              ))}
            </ol>
          )}

          <h2>{t("officialAnswer")}</h2>
          {detail.answer ? (
            <p class="answer" data-testid="request-answer">
              {detail.answer}
            </p>
          ) : (
            <p class="muted">{t("noAnswerYet")}</p>
          )}
          {detail.rating && (
            <p data-testid="request-rating">
              {t("yourRating", { n: detail.rating.stars })}
              {detail.rating.comment && ` “${detail.rating.comment}”`}
            </p>
          )}
          {detail.canRate && <RateForm onRate={rate} />}
          {detail.canReopen && <ReopenForm onReopen={reopen} />}
        </>
      )}
    </article>
  );
}

/** "Trong phường": every public request of the home ward. */
export function NearbyScreen({ backend, version, now }: ScreenProps) {
  return (
    <section class="screen" aria-labelledby="nearby-title">
      <FeedbackNav active="nearby" />
      <h1 id="nearby-title" tabIndex={-1}>
        {t("nearbyTitle")}
      </h1>
      <p class="muted small">{t("alreadyReportedHint")}</p>
      <PublicRequests backend={backend} version={version} now={now} headingLevel={2} />
    </section>
  );
}
