// Cài đặt: where you live (change it), language, server, and what data is saved.
import { useEffect, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { relativeTime } from "../format";
import { resourceName, t, type Lang } from "../i18n";
import type { HomeUnit, SyncStatus } from "../models";
import { href } from "../route";

/** Props of settings. */
export type SettingsProps = ScreenProps & {
  home: HomeUnit;
  status: SyncStatus | null;
  lang: Lang;
  onLang: (l: Lang) => void;
};

/** The settings screen. */
export function Settings({ backend, now, home, status, lang, onLang }: SettingsProps) {
  const [server, setServer] = useState<string | null>(null);
  useEffect(() => {
    backend.getServerUrl().then(setServer, () => setServer(null));
  }, [backend]);
  return (
    <section class="screen" aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1}>
        {t("settingsTitle")}
      </h1>

      <h2>{t("currentUnit")}</h2>
      <p data-testid="current-unit">
        {home.name}, {home.provinceName}
      </p>
      <a class="button secondary" href={href({ name: "onboarding" })} data-testid="change-unit">
        {t("changeUnit")}
      </a>

      <fieldset class="radio-group">
        <legend>
          <h2>{t("language")}</h2>
        </legend>
        {(["vi", "en"] as const).map((l) => (
          <div class="radio-row" key={l}>
            <input
              type="radio"
              id={`lang-${l}`}
              name="lang"
              value={l}
              checked={lang === l}
              onChange={() => onLang(l)}
            />
            <label for={`lang-${l}`} lang={l}>
              {l === "vi" ? "Tiếng Việt" : "English"}
            </label>
          </div>
        ))}
      </fieldset>

      <h2>{t("server")}</h2>
      <p class="break" data-testid="server-url">
        {server ?? t("serverNone")}
      </p>

      <h2>{t("dataStatus")}</h2>
      <ul class="status-list" data-testid="data-status">
        {(status?.resources ?? []).map((r) => (
          <li key={r.resource}>
            <span class="status-name">{resourceName(r.resource)}</span>
            <span>{t("resourceCount", { n: r.count })}</span>
            <span class="muted">
              {r.syncedAt ? t("updatedAgo", { ago: relativeTime(r.syncedAt, now, lang) }) : t("neverUpdated")}
            </span>
          </li>
        ))}
      </ul>
      {status?.lastError && <p class="error">{t("lastError", { message: status.lastError.message })}</p>}
    </section>
  );
}
