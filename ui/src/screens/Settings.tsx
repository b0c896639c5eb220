// Cài đặt: where you live (change it), language, server, and what data is saved.
import { useEffect, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { formatBytes, relativeTime } from "../format";
import { resourceName, t, type Lang } from "../i18n";
import { toBackendError } from "../errors";
import type { ConnectionInfo, HomeUnit, HomeVillage, MediaUsage, OfficialSession, SyncStatus } from "../models";
import type { Backend } from "../backend";
import type { MessageKey } from "../i18n";
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
  const [connection, setConnection] = useState<ConnectionInfo | null>(null);
  useEffect(() => {
    backend.getConnection().then(setConnection, () => setConnection(null));
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
      <VillagePicker backend={backend} />

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
        {connection?.serverUrl ?? t("serverNone")}
        {connection?.serverBuiltIn && ` ${t("builtIn")}`}
      </p>
      <p data-testid="api-key">
        {t("apiKey")}:{" "}
        {connection?.apiKeyFingerprint ? <code>{connection.apiKeyFingerprint}</code> : t("apiKeyNone")}
        {connection?.apiKeyBuiltIn && ` ${t("builtIn")}`}
      </p>
      <ServerForm current={connection?.serverUrl ?? ""} onSave={(url) => backend.setServerUrl(url)} onSaved={setConnection} />

      <OfficialAccount backend={backend} />

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

      <DataSaver backend={backend} />
      <SavedImages backend={backend} lang={lang} />
    </section>
  );
}

/** The data saver (cellular): a switch, and a full sync on demand. */
function DataSaver({ backend }: { backend: ScreenProps["backend"] }) {
  const [on, setOn] = useState<boolean | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    backend.getDataSaver().then(setOn, () => setOn(null));
  }, [backend]);
  if (on === null) return null;
  const toggle = (value: boolean) =>
    backend.setDataSaver(value).then(
      () => setOn(value),
      (e: unknown) => setNote(toBackendError(e).message),
    );
  const full = async () => {
    setBusy(true);
    try {
      await backend.syncNow(true);
      setNote(t("fullSyncDone"));
    } catch (e) {
      setNote(toBackendError(e).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h2>{t("dataSaver")}</h2>
      <div class="check-row">
        <input type="checkbox" id="data-saver" checked={on} onChange={(e) => void toggle(e.currentTarget.checked)} data-testid="data-saver" />
        <label for="data-saver">{t("dataSaver")}</label>
      </div>
      <p class="muted">{t("dataSaverHint")}</p>
      <button type="button" class="button secondary" disabled={busy} onClick={() => void full()} data-testid="full-sync">
        {t("fullSync")}
      </button>
      {note && (
        <p role="status" data-testid="data-saver-note">
          {note}
        </p>
      )}
    </>
  );
}

/** Budgets offered, in MB. */
const BUDGETS = [50, 100, 250, 500, 1000];

/** The image cache: what it holds, its budget (changeable) and a way to clear it. */
function SavedImages({ backend, lang }: { backend: ScreenProps["backend"]; lang: Lang }) {
  const [usage, setUsage] = useState<MediaUsage | null>(null);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    backend.mediaUsage().then(setUsage, () => setUsage(null));
  }, [backend]);
  if (!usage) return null;
  const budgets = BUDGETS.includes(usage.budgetMb) ? BUDGETS : [...BUDGETS, usage.budgetMb].sort((a, b) => a - b);
  const act = (p: Promise<MediaUsage>, done: string | null) =>
    p.then(
      (u) => {
        setUsage(u);
        setNote(done);
      },
      (e: unknown) => setNote(toBackendError(e).message),
    );
  return (
    <>
      <h2>{t("savedImages")}</h2>
      <p data-testid="media-usage">
        {t("savedImagesUsage", { n: usage.images, size: formatBytes(usage.usedKib * 1024, lang), budget: usage.budgetMb })}
      </p>
      <label class="field-label" for="image-budget">
        {t("imageBudget")}
      </label>
      <select
        id="image-budget"
        class="text-input"
        value={String(usage.budgetMb)}
        onChange={(e) => void act(backend.setMediaBudget(Number(e.currentTarget.value)), null)}
        data-testid="image-budget"
      >
        {budgets.map((mb) => (
          <option key={mb} value={String(mb)}>
            {mb} MB
          </option>
        ))}
      </select>
      <button type="button" class="button secondary" onClick={() => void act(backend.clearMedia(), t("imagesCleared"))} data-testid="clear-images">
        {t("clearImages")}
      </button>
      {note && (
        <p role="status" data-testid="media-note">
          {note}
        </p>
      )}
    </>
  );
}

/** Login of officials (the token stays in the credential store), or who is logged in. */
function OfficialAccount({ backend }: { backend: Backend }) {
  const [session, setSession] = useState<OfficialSession | null>(null);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    backend.getOfficialSession().then(setSession, () => setSession(null));
  }, [backend]);
  return (
    <div data-testid="official-account">
      <h2>{t("officialAccount")}</h2>
      {session ? (
        <>
          <p data-testid="official-who">
            {t("loggedInAs", { name: session.name, role: t(`role_${session.role}` as MessageKey), unit: session.unit })}
          </p>
          <div class="button-row">
            {session.role !== "resident" && (
              <a class="button" href={href({ name: "official" })} data-testid="open-official">
                {t("openOfficial")}
              </a>
            )}
            <button
              type="button"
              class="button secondary"
              onClick={() => void backend.logout().then(() => setSession(null))}
              data-testid="logout"
            >
              {t("logoutButton")}
            </button>
          </div>
        </>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            backend.login(username.trim(), password).then(
              (s) => {
                setBusy(false);
                setPassword("");
                setSession(s);
              },
              (err) => {
                setBusy(false);
                setError(toBackendError(err).message);
              },
            );
          }}
        >
          <p class="muted">{t("officialHint")}</p>
          <label class="field-label" for="login-user">
            {t("username")}
          </label>
          <input
            id="login-user"
            class="text-input"
            autoComplete="username"
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
            data-testid="login-user"
          />
          <label class="field-label" for="login-password">
            {t("password")}
          </label>
          <input
            id="login-password"
            class="text-input"
            type="password"
            autoComplete="current-password"
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            data-testid="login-password"
          />
          {error && (
            <p class="field-error" role="alert" data-testid="login-error">
              {error}
            </p>
          )}
          <button type="submit" class="button" disabled={busy} data-testid="login">
            {busy ? t("loggingIn") : t("loginButton")}
          </button>
        </form>
      )}
    </div>
  );
}

/** Changes the server address; the core checks it answers before saving it. */
function ServerForm({
  current,
  onSave,
  onSaved,
}: {
  current: string;
  onSave: (url: string) => Promise<ConnectionInfo>;
  onSaved: (c: ConnectionInfo) => void;
}) {
  const [url, setUrl] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  return (
    <form
      class="server-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        setSaved(false);
        onSave(url.trim() === "" ? current : url.trim()).then(
          (c) => {
            setBusy(false);
            setSaved(true);
            setUrl("");
            onSaved(c);
          },
          (err) => {
            setBusy(false);
            setError(toBackendError(err).message);
          },
        );
      }}
    >
      <label class="field-label" for="server-input">
        {t("serverChange")}
      </label>
      <input
        id="server-input"
        class="text-input"
        type="url"
        inputMode="url"
        autoComplete="url"
        placeholder={current || "https://"}
        value={url}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? "server-error" : undefined}
        onInput={(e) => setUrl(e.currentTarget.value)}
        data-testid="server-input"
      />
      {error && (
        <p class="field-error" id="server-error" role="alert" data-testid="server-error">
          {error}
        </p>
      )}
      {saved && (
        <p role="status" data-testid="server-saved">
          {t("serverSaved")}
        </p>
      )}
      <button type="submit" class="button secondary" disabled={busy} data-testid="server-save">
        {busy ? t("serverChecking") : t("serverSave")}
      </button>
    </form>
  );
}

/** The village below the home commune, chosen from the server's list (online); a
 * commune without villages shows nothing. */
function VillagePicker({ backend }: { backend: Backend }) {
  const [villages, setVillages] = useState<HomeVillage[] | null>(null);
  const [chosen, setChosen] = useState<HomeVillage | null>(null);
  const [offline, setOffline] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    backend.getHomeVillage().then(setChosen, () => setChosen(null));
    backend.listVillages().then(setVillages, () => setOffline(true));
  }, [backend]);
  if (!offline && (villages === null || villages.length === 0) && !chosen) return null;
  const choose = (code: string) => {
    setNote(null);
    setError(null);
    backend.setHomeVillage(code === "" ? null : code).then(
      (village) => {
        setChosen(village);
        setNote(village ? t("villageSaved", { name: village.name }) : null);
      },
      (err) => setError(toBackendError(err).message),
    );
  };
  const options = villages ?? (chosen ? [chosen] : []);
  return (
    <div data-testid="village-picker">
      <label class="field-label" for="home-village">
        {t("village")}
      </label>
      <p class="muted">{t("villageHint")}</p>
      <select
        id="home-village"
        class="text-input"
        value={chosen?.code ?? ""}
        disabled={villages === null}
        onChange={(e) => choose(e.currentTarget.value)}
        data-testid="village-select"
      >
        <option value="">{t("villageNone")}</option>
        {options.map((v) => (
          <option key={v.code} value={v.code}>
            {v.name}
          </option>
        ))}
      </select>
      {offline && <p class="muted">{t("villageOffline")}</p>}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {note && (
        <p role="status" data-testid="village-saved">
          {note}
        </p>
      )}
    </div>
  );
}
