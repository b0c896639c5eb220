// Pieces shared by the phản ánh screens: the sub-navigation (Gửi mới / Của tôi / Trong
// phường), the status chip, and the list of public requests with "Tôi cũng gặp".
import { useEffect, useState } from "preact/hooks";
import type { Backend } from "../backend";
import { toBackendError } from "../errors";
import { knownStatus, statusKey } from "../feedback";
import { relativeTime } from "../format";
import { getLang, t } from "../i18n";
import type { PublicRequest } from "../models";
import { href, type Route } from "../route";

/** Which sub-page of the tab is shown. */
export type FeedbackPage = "feedback" | "myRequests" | "nearby";

const PAGES: Array<{ id: FeedbackPage; label: "navNew" | "navMine" | "navNearby" }> = [
  { id: "feedback", label: "navNew" },
  { id: "myRequests", label: "navMine" },
  { id: "nearby", label: "navNearby" },
];

/** Links between the three pages of the "Phản ánh" tab. */
export function FeedbackNav({ active }: { active: FeedbackPage }) {
  return (
    <nav class="sub-nav" aria-label={t("feedbackNav")}>
      {PAGES.map((p) => (
        <a
          key={p.id}
          class={`sub-nav-link${active === p.id ? " is-active" : ""}`}
          href={href({ name: p.id } as Route)}
          aria-current={active === p.id ? "page" : undefined}
          data-testid={`nav-${p.id}`}
        >
          {t(p.label)}
        </a>
      ))}
    </nav>
  );
}

/** "Đang xử lý" etc. as a coloured chip (colour is never the only cue: the text says it). */
export function StatusChip({ status }: { status: string }) {
  return <span class={`chip chip-${knownStatus(status) ?? "submitted"}`}>{t(statusKey(status))}</span>;
}

/** Supports given in this session: id → count shown after the click (the queued support is not synced yet). */
const supportedNow = new Map<string, number>();

/** Props of the public request list. */
export type PublicRequestsProps = {
  backend: Backend;
  version: number;
  now: Date;
  /** Show only requests of this service (by name) when some exist. */
  serviceName?: string | null;
  /** Show at most this many. */
  limit?: number;
  /** Heading level of each item's title. */
  headingLevel?: 2 | 3;
  /** Called with how many are shown (to hide an empty section). */
  onCount?: (n: number) => void;
};

/** Public requests of the home ward, each with "Tôi cũng gặp" and its count. */
export function PublicRequests({ backend, version, now, serviceName, limit, headingLevel = 3, onCount }: PublicRequestsProps) {
  const [items, setItems] = useState<PublicRequest[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [, setTick] = useState(0);
  const lang = getLang();

  useEffect(() => {
    let live = true;
    backend.listPublicRequests().then(
      (list) => {
        if (!live) return;
        setItems(list);
        setError(null);
      },
      (e) => live && setError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, version]);

  let shown = items ?? [];
  if (serviceName) {
    const same = shown.filter((p) => p.serviceName === serviceName);
    if (same.length > 0) shown = same;
  }
  if (limit !== undefined) shown = shown.slice(0, limit);

  useEffect(() => {
    if (items !== null) onCount?.(shown.length);
  }, [items, shown.length]);

  const support = async (p: PublicRequest) => {
    setBusy(p.id);
    setError(null);
    try {
      await backend.supportRequest(p.id);
      supportedNow.set(p.id, p.supportCount + 1);
      setTick((n) => n + 1);
      // Best effort: the support is queued; send it now if the network allows.
      backend.drainOutbox().catch(() => undefined);
    } catch (e) {
      setError(toBackendError(e).message);
    } finally {
      setBusy(null);
    }
  };

  const H = headingLevel === 2 ? "h2" : "h3";
  return (
    <div class="public-requests">
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null && !error && <p class="muted">{t("loading")}</p>}
      {items !== null && shown.length === 0 && <p class="empty">{t("nearbyEmpty")}</p>}
      {shown.length > 0 && (
        <ul class="card-list">
          {shown.map((p) => {
            const done = supportedNow.has(p.id);
            const count = Math.max(p.supportCount, supportedNow.get(p.id) ?? 0);
            return (
              <li key={p.id} class="request-card" data-testid="public-request" data-id={p.id}>
                <div class="request-head">
                  <H class="request-service">{p.serviceName}</H>
                  <StatusChip status={p.detailedStatus} />
                </div>
                <p class="request-excerpt">{p.excerpt}</p>
                <p class="request-meta">
                  {p.address && <span>{p.address} · </span>}
                  <span>{relativeTime(p.requestedAt, now, lang)}</span>
                </p>
                <div class="support-row">
                  <button
                    type="button"
                    class="button secondary support-button"
                    onClick={() => void support(p)}
                    disabled={done || busy === p.id}
                    aria-pressed={done}
                    data-testid="support-button"
                  >
                    {done ? t("supportDone") : t("supportButton")}
                  </button>
                  <span class="support-count" aria-live="polite" data-testid="support-count">
                    {t("supportCount", { n: count })}
                  </span>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
