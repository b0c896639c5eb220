// The bar on every screen: how old the data is, offline notice, sync progress, refresh.
import { formatBytes, relativeTime } from "../format";
import { getLang, resourceName, t } from "../i18n";
import type { SyncProgress } from "../models";

/** Props of the status bar. */
export type StatusBarProps = {
  /** When the data shown was last synced (null: never). */
  syncedAt: string | null;
  offline: boolean;
  syncing: boolean;
  progress: SyncProgress | null;
  error: string | null;
  /** Writes waiting in the outbox. */
  pending: number;
  now: Date;
  onRefresh: () => void;
};

/** Status text plus a refresh button. */
export function StatusBar(props: StatusBarProps) {
  const lang = getLang();
  let text: string;
  if (props.syncing) {
    const p = props.progress;
    if (!p) {
      text = t("syncing");
    } else if (p.items === 0 && p.bytes > 0) {
      // A body fetched in ranges (the catalogue's first download): bytes, no items yet.
      text = t("downloadingResource", {
        resource: resourceName(p.resource),
        size: formatBytes(p.bytes, lang),
      });
    } else {
      text = t("syncingResource", {
        resource: resourceName(p.resource),
        items: p.items.toLocaleString(lang === "vi" ? "vi-VN" : "en-GB"),
        size: formatBytes(p.bytes, lang),
      });
    }
  } else if (props.offline) {
    text = t("offline");
  } else if (props.error) {
    text = t("syncFailed", { message: props.error });
  } else if (props.syncedAt) {
    text = t("updatedAgo", { ago: relativeTime(props.syncedAt, props.now, lang) });
  } else {
    text = t("neverUpdated");
  }
  const sub = props.offline && props.syncedAt && !props.syncing
    ? t("updatedAgo", { ago: relativeTime(props.syncedAt, props.now, lang) })
    : null;
  return (
    <div class={`status-bar${props.offline ? " is-offline" : ""}`} data-testid="status-bar">
      <p class="status-text" role="status" aria-live="polite">
        <span data-testid="status-text">{text}</span>
        {sub && <span class="status-sub">{sub}</span>}
        {props.pending > 0 && (
          <a class="status-sub status-pending" href="#/requests" data-testid="status-pending">
            {t("pendingToSend", { n: props.pending })}
          </a>
        )}
      </p>
      <button
        type="button"
        class={`icon-button${props.syncing ? " is-spinning" : ""}`}
        onClick={props.onRefresh}
        disabled={props.syncing}
        aria-label={t("refresh")}
        title={t("refresh")}
        data-testid="refresh"
      >
        <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
          <path
            fill="currentColor"
            d="M12 4a8 8 0 0 1 7.4 5H17v2h6V5h-2v2.6A10 10 0 1 0 22 12h-2a8 8 0 1 1-8-8z"
          />
        </svg>
      </button>
    </div>
  );
}
