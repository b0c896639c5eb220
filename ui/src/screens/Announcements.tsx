// Thông báo: the published announcements of the resident's village or ward, read from the
// cache (offline too), with "Đã xem / Sẽ tham gia / Không tham gia được" answers that go
// through the outbox.
import { useEffect, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { toBackendError } from "../errors";
import { relativeTime } from "../format";
import { getLang, t } from "../i18n";
import type { AckKind, Announcement, AnnouncementList, AnnouncementShare, Attachment } from "../models";

/** The residents' announcement list. */
export function AnnouncementsScreen({ backend, version, now, onFreshness }: ScreenProps) {
  const [items, setItems] = useState<Announcement[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const show = (list: AnnouncementList) => {
      if (!live) return;
      setItems(list.items);
      onFreshness(list.freshness);
    };
    // The cache at once, then whatever the server has new (one conditional GET; the
    // cache marked offline when it cannot be reached).
    backend
      .listAnnouncements()
      .then(show, (err) => live && setError(toBackendError(err).message))
      .then(() => backend.refreshAnnouncements())
      .then(show, () => undefined);
    return () => {
      live = false;
    };
  }, [backend, version]);
  return (
    <section class="screen" aria-labelledby="announcements-title">
      <h1 id="announcements-title" tabIndex={-1}>
        {t("announcementsTitle")}
      </h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null && !error && <p class="muted">{t("loading")}</p>}
      {items !== null && items.length === 0 && <p class="empty">{t("announcementsEmpty")}</p>}
      {items !== null && items.length > 0 && (
        <ul class="card-list">
          {items.map((a) => (
            <li key={a.id} class="request-card" data-testid="announcement">
              <strong>{a.title}</strong>
              <span class="muted">
                {t("announcementBy", { author: a.author_name, when: relativeTime(a.published_at, now, getLang()) })}
              </span>
              {a.event_start && a.event_place && (
                <span data-testid="announcement-event">
                  {t("announcementEvent", {
                    when: new Date(a.event_start).toLocaleString(getLang() === "vi" ? "vi-VN" : "en-GB", {
                      timeZone: "Asia/Ho_Chi_Minh",
                      dateStyle: "medium",
                      timeStyle: "short",
                    }),
                    place: a.event_place,
                  })}
                </span>
              )}
              <p class="announcement-body">{a.body}</p>
              {a.attachments.length > 0 && <Attachments backend={backend} id={a.id} files={a.attachments} />}
              <AckButtons backend={backend} id={a.id} />
              <ShareButtons backend={backend} id={a.id} hasEvent={a.event_start !== null} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Photos shown from the cache the sync filled (offline too) and every file
 * saved on request to the download folder; a file not downloaded yet says so. */
function Attachments({ backend, id, files }: { backend: ScreenProps["backend"]; id: string; files: Attachment[] }) {
  const [photos, setPhotos] = useState<Record<string, string | null>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    for (const f of files.filter((f) => f.mime.startsWith("image/"))) {
      backend.getMedia(f.url).then(
        (m) => live && setPhotos((p) => ({ ...p, [f.url]: m?.dataUrl ?? null })),
        () => undefined,
      );
    }
    return () => {
      live = false;
    };
  }, [backend, files]);
  const save = (f: Attachment) => {
    setError(null);
    backend.saveAnnouncementFile(id, f.url).then(setSaved, (err) => {
      const e = toBackendError(err);
      setError(e.code === "not_found" ? t("attachmentNotCached") : e.message);
    });
  };
  return (
    <div class="attachments" data-testid="announcement-files">
      <h3 class="sr-only">{t("attachmentsTitle")}</h3>
      {files.map((f) => {
        const photo = photos[f.url];
        return (
          <div key={f.url} class="attachment" data-testid="announcement-file" data-mime={f.mime}>
            {photo && <img src={photo} alt={f.name} class="attachment-photo" />}
            <button type="button" class="button small-button secondary" onClick={() => save(f)}>
              {t("attachmentSave")}: {f.name} ({Math.max(1, Math.round(f.bytes / 1024))} KB)
            </button>
          </div>
        );
      })}
      {saved && (
        <p class="muted" role="status" data-testid="announcement-file-saved">
          {t("attachmentSaved", { path: saved })}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The three answers; "không tham gia được" asks for a reason first. */
function AckButtons({ backend, id }: { backend: ScreenProps["backend"]; id: string }) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const [done, setDone] = useState<AckKind | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = (kind: AckKind, why: string | null) => {
    setError(null);
    backend.ackAnnouncement(id, kind, why).then(
      () => {
        setDone(kind);
        setAsking(false);
        void backend.drainOutbox().catch(() => undefined);
      },
      (err) => setError(toBackendError(err).message),
    );
  };
  const label = (kind: AckKind) => (kind === "seen" ? t("ackSeen") : kind === "going" ? t("ackGoing") : t("ackNotGoing"));
  return (
    <div>
      <div class="button-row">
        {(["seen", "going", "not_going"] as const).map((kind) => (
          <button
            key={kind}
            type="button"
            class={`button small-button${done === kind ? "" : " secondary"}`}
            aria-pressed={done === kind}
            onClick={() => (kind === "not_going" ? setAsking(true) : send(kind, null))}
            data-testid={`ack-${kind}`}
          >
            {label(kind)}
          </button>
        ))}
      </div>
      {asking && (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            send("not_going", reason);
          }}
        >
          <label class="field-label" for={`reason-${id}`}>
            {t("ackReason")}
          </label>
          <input
            id={`reason-${id}`}
            class="text-input"
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
            data-testid="ack-reason"
          />
          <button type="submit" class="button small-button" data-testid="ack-reason-send">
            {t("ackNotGoing")}
          </button>
        </form>
      )}
      {done && (
        <p role="status" class="muted" data-testid="ack-saved">
          {t("ackSaved")}
        </p>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** "Thêm vào lịch" (an .ics file of the event) and "Chia sẻ" (the public link
 * and its QR code, drawn from the SVG the core makes). */
function ShareButtons({ backend, id, hasEvent }: { backend: ScreenProps["backend"]; id: string; hasEvent: boolean }) {
  const [share, setShare] = useState<AnnouncementShare | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const fail = (err: unknown) => setError(toBackendError(err).message);
  return (
    <div>
      <div class="button-row">
        {hasEvent && (
          <button
            type="button"
            class="button small-button secondary"
            onClick={() => backend.exportAnnouncementIcs(id).then(setSaved, fail)}
            data-testid="announcement-ics"
          >
            {t("addToCalendar")}
          </button>
        )}
        <button
          type="button"
          class="button small-button secondary"
          onClick={() => backend.shareAnnouncement(id).then(setShare, fail)}
          data-testid="announcement-share"
        >
          {t("shareButton")}
        </button>
      </div>
      {saved && <p class="muted">{t("calendarSaved", { path: saved })}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {share && (
        <figure class="share" data-testid="announcement-qr">
          <img
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(share.qrSvg)}`}
            width={200}
            height={200}
            alt={t("shareQrAlt")}
          />
          <figcaption>
            <code>{share.url}</code>
          </figcaption>
        </figure>
      )}
    </div>
  );
}
