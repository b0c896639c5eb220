// Pure logic of the phản ánh screens: service search (diacritic folding) and grouping,
// form validation from a service definition, the draft sent to the core, and deadlines
// in working hours (Mon–Fri 07:30–11:30 and 13:30–17:00, Asia/Ho_Chi_Minh, UTC+7, no DST).
// No DOM, no backend: unit-tested in feedback.test.ts.
import { matchesQuery } from "./fold";
import { t, type Lang, type MessageKey } from "./i18n";
import type { Attribute, DetailedStatus, PreparedPhoto, RequestDraft, Service, ServiceDefinition, TimeLeft } from "./models";

/** Status shown in "Của tôi": the server's, or "queued" for outbox rows not yet sent. */
export type MyRequestStatus = DetailedStatus | "queued";

const STATUSES: readonly MyRequestStatus[] = ["queued", "submitted", "received", "in_progress", "answered", "closed"];

/** The core sends statuses as strings; anything unknown is null (shown as sent). */
export function knownStatus(status: string): MyRequestStatus | null {
  return (STATUSES as readonly string[]).includes(status) ? (status as MyRequestStatus) : null;
}

/** Most photos one request may carry (protocol MAX_MEDIA_PER_REQUEST). */
export const MAX_PHOTOS = 5;
/** Largest file the UI reads before handing it to the core (which compresses to ≤ 8 MiB). */
export const MAX_PHOTO_FILE_BYTES = 25 * 1024 * 1024;
/** Longest description accepted. */
export const MAX_DESCRIPTION = 4000;

/** Services whose name, description, keywords or group match the query (every word a prefix, folded). */
export function filterServices(services: Service[], query: string): Service[] {
  return services.filter((s) =>
    matchesQuery(`${s.service_name} ${s.description} ${s.keywords.replace(/,/g, " ")} ${s.group}`, query),
  );
}

/** Services grouped by `group`, groups and services in first-seen order. */
export function groupServices(services: Service[]): Array<{ group: string; services: Service[] }> {
  const groups: Array<{ group: string; services: Service[] }> = [];
  for (const s of services) {
    let g = groups.find((x) => x.group === s.group);
    if (!g) {
      g = { group: s.group, services: [] };
      groups.push(g);
    }
    g.services.push(s);
  }
  return groups;
}

/** The answerable attributes of a definition, in display order. */
export function formAttributes(def: ServiceDefinition): Attribute[] {
  return def.attributes.filter((a) => a.variable).sort((a, b) => a.order - b.order);
}

/** Everything the new-request form holds. Kept across navigation so nothing is lost. */
export type RequestForm = {
  serviceCode: string;
  /** Raw answers per attribute code (lists: several keys; others: one string). */
  answers: Record<string, string[]>;
  description: string;
  /** Shared position, when the resident chose "Dùng vị trí hiện tại". */
  position: { lat: number; long: number } | null;
  address: string;
  village: string;
  photos: PreparedPhoto[];
};

/** An empty form for a service. */
export function emptyForm(serviceCode: string): RequestForm {
  return { serviceCode, answers: {}, description: "", position: null, address: "", village: "", photos: [] };
}

/** Field → error message; empty when the form is valid. Keys: attribute codes, "description", "place", "photos". */
export type FormErrors = Record<string, string>;

const NUMBER = /^-?\d+(?:[.,]\d+)?$/;

function answerOf(form: RequestForm, code: string): string[] {
  return (form.answers[code] ?? []).map((v) => v.trim()).filter((v) => v !== "");
}

/** Checks a form against the service definition (the core checks again; this is for instant feedback). */
export function validateForm(def: ServiceDefinition, form: RequestForm, lang?: Lang): FormErrors {
  const errors: FormErrors = {};
  const msg = (key: MessageKey, params: Record<string, string | number> = {}) => t(key, params, lang);
  for (const a of formAttributes(def)) {
    const values = answerOf(form, a.code);
    if (values.length === 0) {
      if (a.required) errors[a.code] = msg(a.datatype.endsWith("valuelist") ? "errChoose" : "errRequired");
      continue;
    }
    const keys = a.values.map((v) => v.key);
    switch (a.datatype) {
      case "number":
        if (!NUMBER.test(values[0] ?? "")) errors[a.code] = msg("errNumber");
        break;
      case "datetime":
        if (Number.isNaN(Date.parse(values[0] ?? ""))) errors[a.code] = msg("errDatetime");
        break;
      case "singlevaluelist":
        if (values.length !== 1 || !keys.includes(values[0] ?? "")) errors[a.code] = msg("errChoose");
        break;
      case "multivaluelist":
        if (!values.every((v) => keys.includes(v))) errors[a.code] = msg("errChoose");
        break;
      case "string":
      case "text":
        break;
    }
  }
  const description = form.description.trim();
  if (description === "") errors.description = msg("errDescription");
  else if (description.length > MAX_DESCRIPTION) errors.description = msg("errTooLong", { max: MAX_DESCRIPTION });
  if (form.position === null && form.address.trim() === "") errors.place = msg("errPlace");
  if (form.photos.length > MAX_PHOTOS) errors.photos = msg("errTooManyPhotos", { max: MAX_PHOTOS });
  return errors;
}

/** The draft the core receives; only answered attributes, numbers with a dot, datetimes as ISO 8601. */
export function toDraft(def: ServiceDefinition, form: RequestForm): RequestDraft {
  const attributes = formAttributes(def)
    .map((a) => {
      let values = answerOf(form, a.code);
      if (a.datatype === "number") values = values.map((v) => v.replace(",", "."));
      if (a.datatype === "datetime") values = values.map((v) => new Date(v).toISOString());
      return { code: a.code, values };
    })
    .filter((a) => a.values.length > 0);
  const address = form.address.trim();
  const village = form.village.trim();
  return {
    serviceCode: form.serviceCode,
    description: form.description.trim(),
    attributes,
    lat: form.position?.lat ?? null,
    long: form.position?.long ?? null,
    address: address === "" ? null : address,
    village: village === "" ? null : village,
    photoIds: form.photos.map((p) => p.id),
  };
}

/** "còn 3 giờ làm việc", "còn 20 phút làm việc", "quá hạn" (en: "3 working hours left", "overdue"),
 * from the working time the core counted (holidays and swapped days included). */
export function timeLeft(left: TimeLeft, lang?: Lang): string {
  if (left.overdue) return t("overdue", {}, lang);
  const minutes = left.workingMinutes;
  if (minutes < 1) return t("dueSoon", {}, lang);
  if (minutes < 60) return t("minutesLeft", { n: minutes }, lang);
  return t("hoursLeft", { n: Math.floor(minutes / 60) }, lang);
}

/** i18n key of a status label (unknown statuses read as "đã gửi"). */
export function statusKey(status: string): MessageKey {
  const known = knownStatus(status) ?? "submitted";
  return `status_${known}`;
}

/** Whether a request is still being handled (deadline applies). */
export function isOpenStatus(status: string): boolean {
  const s = knownStatus(status);
  return s === "submitted" || s === "received" || s === "in_progress";
}

/** The statuses of the timeline, in order. */
export const TIMELINE: Array<Exclude<MyRequestStatus, "queued">> = ["submitted", "received", "in_progress", "answered", "closed"];

/** Base64 of bytes (chunked, for large photos). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(binary);
}
