// Gửi phản ánh: "Đã có ai phản ánh chưa?" first (to avoid duplicates), then the service
// picker (grouped, folded search over names and keywords), then the form built from the
// service definition, the place (current position or typed address + thôn/tổ dân phố)
// and up to 5 photos. The form lives outside the component so nothing typed is lost on
// an error, on navigation or on a language switch. Submitting queues the request in the
// outbox (the core commits before answering), then tries to send it at once.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ScreenProps } from "../app";
import { FeedbackNav, PublicRequests } from "../components/Feedback";
import { toBackendError } from "../errors";
import {
  bytesToBase64,
  emptyForm,
  filterServices,
  formAttributes,
  groupServices,
  MAX_PHOTO_FILE_BYTES,
  MAX_PHOTOS,
  toDraft,
  validateForm,
  type FormErrors,
  type RequestForm,
} from "../feedback";
import { t } from "../i18n";
import type { Attribute, Service, ServiceDefinition } from "../models";
import { href } from "../route";

/** What survives leaving the screen: the search and the form being filled. */
const remembered: { query: string; form: RequestForm | null } = { query: "", form: null };

type Result = "sending" | "sent" | "saved";

function AttributeField({
  attr,
  values,
  error,
  onChange,
}: {
  attr: Attribute;
  values: string[];
  error: string | undefined;
  onChange: (values: string[]) => void;
}) {
  const id = `attr-${attr.code}`;
  const hintId = `${id}-hint`;
  const errId = `${id}-error`;
  const describedBy = [attr.datatype_description ? hintId : "", error ? errId : ""].filter(Boolean).join(" ") || undefined;
  const label = (
    <>
      {attr.description}
      {attr.required && (
        <span class="required-mark">
          <span aria-hidden="true"> *</span>
          <span class="sr-only"> ({t("required")})</span>
        </span>
      )}
    </>
  );
  const hint = attr.datatype_description ? (
    <span class="hint" id={hintId}>
      {attr.datatype_description}
    </span>
  ) : null;
  const err = error ? (
    <p class="field-error" id={errId}>
      {error}
    </p>
  ) : null;
  const value = values[0] ?? "";

  if (attr.datatype === "singlevaluelist" || attr.datatype === "multivaluelist") {
    const multi = attr.datatype === "multivaluelist";
    if (!multi && attr.values.length > 6) {
      return (
        <div class="form-field">
          <label class="field-label" for={id}>
            {label}
          </label>
          {hint}
          <select
            id={id}
            class="select"
            value={value}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            aria-required={attr.required}
            onChange={(e) => onChange(e.currentTarget.value ? [e.currentTarget.value] : [])}
            data-testid={id}
          >
            <option value="">{t("chooseOne")}</option>
            {attr.values.map((v) => (
              <option key={v.key} value={v.key}>
                {v.name}
              </option>
            ))}
          </select>
          {err}
        </div>
      );
    }
    return (
      <fieldset
        class="form-field radio-group"
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        data-testid={id}
      >
        <legend class="field-label">{label}</legend>
        {hint}
        {attr.values.map((v) => {
          const optId = `${id}-${v.key}`;
          const checked = values.includes(v.key);
          return (
            <div class="radio-row" key={v.key}>
              <input
                id={optId}
                type={multi ? "checkbox" : "radio"}
                name={id}
                value={v.key}
                checked={checked}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  if (!multi) onChange([v.key]);
                  else onChange(on ? [...values, v.key] : values.filter((x) => x !== v.key));
                }}
              />
              <label for={optId}>{v.name}</label>
            </div>
          );
        })}
        {err}
      </fieldset>
    );
  }

  const common = {
    id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": describedBy,
    "aria-required": attr.required,
    "data-testid": id,
  };
  let control;
  if (attr.datatype === "text") {
    control = <textarea {...common} class="text-input textarea" rows={4} value={value} onInput={(e) => onChange([e.currentTarget.value])} />;
  } else if (attr.datatype === "number") {
    control = (
      <input {...common} class="text-input" type="number" inputMode="decimal" step="any" value={value} onInput={(e) => onChange([e.currentTarget.value])} />
    );
  } else if (attr.datatype === "datetime") {
    control = <input {...common} class="text-input" type="datetime-local" value={value} onInput={(e) => onChange([e.currentTarget.value])} />;
  } else {
    control = <input {...common} class="text-input" type="text" value={value} onInput={(e) => onChange([e.currentTarget.value])} />;
  }
  return (
    <div class="form-field">
      <label class="field-label" for={id}>
        {label}
      </label>
      {hint}
      {control}
      {err}
    </div>
  );
}

function ServicePicker({ services, query, onQuery, onPick }: { services: Service[]; query: string; onQuery: (q: string) => void; onPick: (s: Service) => void }) {
  const groups = groupServices(filterServices(services, query));
  return (
    <div class="picker">
      <label for="service-search" class="field-label">
        {t("searchService")}
      </label>
      <input
        id="service-search"
        type="search"
        class="text-input"
        value={query}
        placeholder={t("searchServicePlaceholder")}
        autocomplete="off"
        spellcheck={false}
        onInput={(e) => onQuery(e.currentTarget.value)}
        data-testid="service-search"
      />
      {groups.length === 0 && <p class="empty">{services.length === 0 ? t("noServicesSynced") : t("noServices")}</p>}
      {groups.map((g) => (
        <section key={g.group} class="service-group" aria-label={g.group}>
          <h3 class="doc-group">{g.group}</h3>
          <ul class="choice-list">
            {g.services.map((s) => (
              <li key={s.service_code}>
                <button type="button" class="choice service-choice" onClick={() => onPick(s)} data-testid="service-option" data-code={s.service_code}>
                  <span class="hit-name">{s.service_name}</span>
                  <span class="hit-meta">{s.description}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** The new-request screen. */
export function NewRequestScreen({ backend, version, now }: ScreenProps) {
  const [services, setServices] = useState<Service[] | null>(null);
  const [query, setQuery] = useState(remembered.query);
  const [form, setFormState] = useState<RequestForm | null>(remembered.form);
  const [def, setDef] = useState<ServiceDefinition | null>(null);
  const [errors, setErrors] = useState<FormErrors>({});
  const [checked, setChecked] = useState(false);
  const [summary, setSummary] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);
  const [photoBusy, setPhotoBusy] = useState(false);
  const [locating, setLocating] = useState(false);
  const [locError, setLocError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [similar, setSimilar] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  const setForm = (update: (f: RequestForm) => RequestForm) => {
    setFormState((f) => {
      const next = f ? update(f) : f;
      remembered.form = next;
      return next;
    });
  };

  useEffect(() => {
    remembered.query = query;
  }, [query]);

  useEffect(() => {
    backend.listServices().then(
      (s) => {
        setServices(s);
        setLoadError(null);
      },
      (e) => setLoadError(toBackendError(e).message),
    );
  }, [backend, version]);

  const serviceCode = form?.serviceCode || null;
  useEffect(() => {
    if (serviceCode === null) {
      setDef(null);
      return;
    }
    let live = true;
    backend.getServiceDefinition(serviceCode).then(
      (d) => live && setDef(d),
      (e) => live && setLoadError(toBackendError(e).message),
    );
    return () => {
      live = false;
    };
  }, [backend, serviceCode]);

  // Re-check as the resident types once a submit has shown the errors.
  useEffect(() => {
    if (!(checked && def && form)) return;
    const errs = validateForm(def, form);
    setErrors(errs);
    // Only clear the announced summary once everything is fixed (no chatter while typing).
    if (Object.keys(errs).length === 0) setSummary(null);
  }, [checked, def, form]);

  const service = services?.find((s) => s.service_code === serviceCode) ?? null;

  const pick = (s: Service) => {
    // Keep description, place and photos when switching service; answers belong to the old form.
    setFormState((f) => {
      const next = f ? { ...f, serviceCode: s.service_code, answers: {} } : emptyForm(s.service_code);
      remembered.form = next;
      return next;
    });
    setChecked(false);
    setErrors({});
    setSummary(null);
    setResult(null);
  };

  const changeService = () => {
    setFormState((f) => {
      const next = f ? { ...f, serviceCode: "" } : f;
      remembered.form = next;
      return next;
    });
  };

  const locate = () => {
    if (!("geolocation" in navigator)) {
      setLocError(t("locationUnavailable"));
      return;
    }
    setLocating(true);
    setLocError(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        const round = (x: number) => Math.round(x * 1e6) / 1e6;
        setForm((f) => ({ ...f, position: { lat: round(pos.coords.latitude), long: round(pos.coords.longitude) } }));
      },
      (err) => {
        setLocating(false);
        setLocError(err.code === err.PERMISSION_DENIED ? t("locationDenied") : t("locationUnavailable"));
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  const addPhotos = async (files: File[]) => {
    setPhotoError(null);
    let count = form?.photos.length ?? 0;
    setPhotoBusy(true);
    try {
      for (const file of files) {
        if (count >= MAX_PHOTOS) {
          setPhotoError(t("photoTooMany", { max: MAX_PHOTOS }));
          break;
        }
        if (!file.type.startsWith("image/")) {
          setPhotoError(t("photoNotImage", { name: file.name }));
          continue;
        }
        if (file.size > MAX_PHOTO_FILE_BYTES) {
          setPhotoError(t("photoTooLarge", { name: file.name, max: MAX_PHOTO_FILE_BYTES / (1024 * 1024) }));
          continue;
        }
        try {
          const data = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
          const photo = await backend.preparePhoto(data);
          count += 1;
          setForm((f) => ({ ...f, photos: [...f.photos, photo].slice(0, MAX_PHOTOS) }));
        } catch (e) {
          setPhotoError(t("photoFailed", { name: file.name, message: toBackendError(e).message }));
        }
      }
    } finally {
      setPhotoBusy(false);
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!def || !form || submitting) return;
    const errs = validateForm(def, form);
    setChecked(true);
    setErrors(errs);
    setSubmitError(null);
    const bad = Object.keys(errs);
    if (bad.length > 0) {
      setSummary(t("formHasErrors", { n: bad.length }));
      const first = bad.map((k) => formRef.current?.querySelector<HTMLElement>(`[data-field="${k}"], #attr-${CSS.escape(k)}`)).find(Boolean);
      const target = first?.matches("fieldset") ? first.querySelector<HTMLElement>("input") : first;
      target?.focus();
      return;
    }
    setSummary(null);
    setSubmitting(true);
    try {
      await backend.submitRequest(toDraft(def, form));
    } catch (err) {
      // The form stays as it is; only the message is new.
      setSubmitError(t("submitFailed", { message: toBackendError(err).message }));
      setSubmitting(false);
      return;
    }
    setSubmitting(false);
    remembered.form = null;
    setFormState(null);
    setChecked(false);
    setErrors({});
    setResult("sending");
    try {
      const report = await backend.drainOutbox();
      setResult(report.pending === 0 && report.failedPermanent === 0 ? "sent" : "saved");
    } catch {
      setResult("saved");
    }
  };

  const resultText = result === "sent" ? t("sent") : result === "saved" ? t("savedOffline") : result === "sending" ? t("submitting") : "";

  return (
    <section class="screen" aria-labelledby="new-request-title">
      <FeedbackNav active="feedback" />
      <h1 id="new-request-title" tabIndex={-1}>
        {t("newRequestTitle")}
      </h1>
      <div class="result-region" role="status" aria-live="polite">
        {result && (
          <div class={`result-panel${result === "saved" ? " is-saved" : ""}`}>
            <p class="result-text" data-testid="submit-result">
              {resultText}
            </p>
            {result !== "sending" && (
              <div class="button-row">
                <a class="button" href={href({ name: "myRequests" })}>
                  {t("viewMine")}
                </a>
                <button type="button" class="button secondary" onClick={() => setResult(null)}>
                  {t("newAnother")}
                </button>
              </div>
            )}
          </div>
        )}
      </div>
      {loadError && (
        <p class="error" role="alert">
          {loadError}
        </p>
      )}
      {!result && (
        <>
          <section class="similar" aria-labelledby="similar-title" hidden={similar === 0}>
            <h2 id="similar-title">{t("alreadyReported")}</h2>
            <p class="muted small">{t("alreadyReportedHint")}</p>
            <PublicRequests backend={backend} version={version} now={now} serviceName={service?.service_name ?? null} limit={2} onCount={setSimilar} />
            <a class="back-link" href={href({ name: "nearby" })}>
              {t("seeAllNearby")} ›
            </a>
          </section>

          {!form || !form.serviceCode ? (
            <>
              <h2>{t("pickService")}</h2>
              {services === null ? (
                <p class="muted">{t("loading")}</p>
              ) : (
                <ServicePicker services={services} query={query} onQuery={setQuery} onPick={pick} />
              )}
            </>
          ) : (
            <form ref={formRef} class="request-form" noValidate onSubmit={(e) => void submit(e)}>
              <h2>{t("fillForm", { service: service?.service_name ?? form.serviceCode })}</h2>
              <button type="button" class="button secondary small-button" onClick={changeService} data-testid="change-service">
                {t("changeService")}
              </button>
              <p class="muted small">{t("requiredNote")}</p>
              {def === null ? (
                <p class="muted">{t("loading")}</p>
              ) : (
                formAttributes(def).map((a) => (
                  <AttributeField
                    key={a.code}
                    attr={a}
                    values={form.answers[a.code] ?? []}
                    error={errors[a.code]}
                    onChange={(values) => setForm((f) => ({ ...f, answers: { ...f.answers, [a.code]: values } }))}
                  />
                ))
              )}

              <div class="form-field">
                <label class="field-label" for="request-description">
                  {t("descriptionLabel")}
                  <span aria-hidden="true"> *</span>
                  <span class="sr-only"> ({t("required")})</span>
                </label>
                <span class="hint" id="request-description-hint">
                  {t("descriptionHint")}
                </span>
                <textarea
                  id="request-description"
                  class="text-input textarea"
                  rows={5}
                  value={form.description}
                  aria-required="true"
                  aria-invalid={errors.description ? true : undefined}
                  aria-describedby={`request-description-hint${errors.description ? " request-description-error" : ""}`}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setForm((f) => ({ ...f, description: v }));
                  }}
                  data-field="description"
                  data-testid="request-description"
                />
                {errors.description && (
                  <p class="field-error" id="request-description-error">
                    {errors.description}
                  </p>
                )}
              </div>

              <fieldset class="form-field place" aria-describedby={`place-hint${errors.place ? " place-error" : ""}`}>
                <legend class="field-label">
                  {t("placeLabel")}
                  <span aria-hidden="true"> *</span>
                  <span class="sr-only"> ({t("required")})</span>
                </legend>
                <span class="hint" id="place-hint">
                  {t("placeHint")}
                </span>
                {form.position ? (
                  <div class="location-row">
                    <span data-testid="request-location">
                      {t("locationShared", { lat: form.position.lat.toFixed(5), long: form.position.long.toFixed(5) })}
                    </span>
                    <button type="button" class="button secondary small-button" onClick={() => setForm((f) => ({ ...f, position: null }))}>
                      {t("removeLocation")}
                    </button>
                  </div>
                ) : (
                  <button type="button" class="button secondary" onClick={locate} disabled={locating} data-testid="use-location">
                    {locating ? t("locating") : t("useLocation")}
                  </button>
                )}
                {locError && (
                  <p class="field-error" role="alert">
                    {locError}
                  </p>
                )}
                <label class="field-label" for="request-address">
                  {t("addressLabel")}
                </label>
                <input
                  id="request-address"
                  class="text-input"
                  type="text"
                  autocomplete="street-address"
                  value={form.address}
                  aria-invalid={errors.place ? true : undefined}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setForm((f) => ({ ...f, address: v }));
                  }}
                  data-field="place"
                  data-testid="request-address"
                />
                <label class="field-label" for="request-village">
                  {t("villageLabel")}
                </label>
                <input
                  id="request-village"
                  class="text-input"
                  type="text"
                  value={form.village}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setForm((f) => ({ ...f, village: v }));
                  }}
                  data-testid="request-village"
                />
                {errors.place && (
                  <p class="field-error" id="place-error">
                    {errors.place}
                  </p>
                )}
              </fieldset>

              <div class="form-field photos">
                <label class="field-label" for="photo-input">
                  {t("photosLabel", { max: MAX_PHOTOS })}
                </label>
                <span class="hint" id="photo-count" aria-live="polite">
                  {photoBusy ? t("preparingPhoto") : t("photoCount", { n: form.photos.length, max: MAX_PHOTOS })}
                </span>
                {form.photos.length > 0 && (
                  <ul class="photo-list">
                    {form.photos.map((p, i) => (
                      <li key={p.id} class="photo-thumb" data-testid="photo-thumb">
                        <img src={p.thumbDataUrl} alt={t("photoAlt", { n: i + 1 })} width={88} height={88} />
                        <button
                          type="button"
                          class="photo-remove"
                          aria-label={t("removePhoto", { n: i + 1 })}
                          onClick={() => setForm((f) => ({ ...f, photos: f.photos.filter((x) => x.id !== p.id) }))}
                          data-testid="photo-remove"
                        >
                          ×
                        </button>
                      </li>
                    ))}
                  </ul>
                )}
                <input
                  id="photo-input"
                  class="file-input"
                  type="file"
                  accept="image/*"
                  capture="environment"
                  multiple
                  disabled={photoBusy || form.photos.length >= MAX_PHOTOS}
                  aria-describedby="photo-count"
                  onChange={(e) => {
                    const input = e.currentTarget;
                    const files = [...(input.files ?? [])];
                    input.value = "";
                    void addPhotos(files);
                  }}
                  data-testid="photo-input"
                />
                {(photoError || errors.photos) && (
                  <p class="field-error" role="alert" data-testid="photo-error">
                    {photoError ?? errors.photos}
                  </p>
                )}
              </div>

              <div class="submit-area">
                <p class="error" role="alert" data-testid="form-errors">
                  {summary ?? submitError ?? ""}
                </p>
                <button type="submit" class="button submit-button" disabled={submitting || def === null} data-testid="submit-request">
                  {submitting ? t("submitting") : t("submit")}
                </button>
              </div>
            </form>
          )}
        </>
      )}
    </section>
  );
}
