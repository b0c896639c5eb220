// Typed errors from the backend. The Rust side rejects with ErrorBody {code, message};
// the UI acts on `code` only (never on message text) and shows `message` to the user.
import type { ErrorBody, ErrorCode as GeneratedErrorCode } from "./models";

/** Codes of core::ErrorCode (generated) that the UI knows. Anything else buckets to "internal". */
export const ERROR_CODES = [
  "offline",
  "server_unavailable",
  "bad_response",
  "not_found",
  "invalid_input",
  "not_configured",
  "storage",
  "internal",
  "rejected",
  "unauthorized",
  "not_logged_in",
  "bad_credentials",
  "login_locked",
  "forbidden",
  "wrong_state",
] as const satisfies readonly GeneratedErrorCode[];

/** One of the known error codes. */
export type ErrorCode = (typeof ERROR_CODES)[number];

// Compile-time check that the list above covers every generated code.
type Missing = Exclude<GeneratedErrorCode, ErrorCode>;
const allCodesCovered: Missing extends never ? true : Missing = true;
void allCodesCovered;

/** An error a backend call failed with. */
export class BackendError extends Error {
  readonly code: ErrorCode;
  /** The code as received, kept for logs when it was bucketed to "internal". */
  readonly rawCode: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "BackendError";
    this.rawCode = code;
    this.code = (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : "internal";
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** Turns whatever a rejected invoke gave us into a BackendError. */
export function toBackendError(err: unknown): BackendError {
  if (err instanceof BackendError) return err;
  if (isErrorBody(err)) return new BackendError(err.code, err.message);
  if (typeof err === "string") {
    try {
      const parsed: unknown = JSON.parse(err);
      if (isErrorBody(parsed)) return new BackendError(parsed.code, parsed.message);
    } catch {
      // not JSON: fall through
    }
    return new BackendError("internal", err);
  }
  if (err instanceof Error) return new BackendError("internal", err.message);
  return new BackendError("internal", String(err));
}
