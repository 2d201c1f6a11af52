/** What an API server said about a failed request: HTTP code and the Status' reason and message. */
export interface ApiErrorInfo {
  /** HTTP status, undefined for network errors. */
  code: number | undefined;
  /** The Status `reason` (NotFound, Forbidden, AlreadyExists, ...). */
  reason: string | undefined;
  /** The Status `message`, or the error's own message. */
  message: string;
}

/**
 * Reads API errors: our `KubeApiError` and client-node 1.x's `ApiException`
 * (numeric `code`, raw `Status` text `body`), errors with a `statusCode`, and
 * network errors (string `code`: ECONNREFUSED ...).
 */
export function apiErrorInfo(error: unknown): ApiErrorInfo {
  if (error === null || typeof error !== "object")
    return { code: undefined, reason: undefined, message: String(error) };
  const value = error as { code?: unknown; statusCode?: unknown; body?: unknown; message?: unknown };
  // Only HTTP statuses: a DOMException's numeric `code` (AbortError 20, TimeoutError 23) is not one.
  const isStatus = (candidate: unknown): candidate is number =>
    typeof candidate === "number" && candidate >= 100 && candidate <= 599;
  const code = isStatus(value.code) ? value.code : isStatus(value.statusCode) ? value.statusCode : undefined;
  let reason: string | undefined;
  let message: string | undefined;
  const status = parseStatus(value.body);
  if (status) {
    reason = typeof status.reason === "string" ? status.reason : undefined;
    message = typeof status.message === "string" ? status.message : undefined;
  }
  if (message === undefined) {
    const own = typeof value.message === "string" ? value.message : String(error);
    // ApiException's message embeds the response headers: keep its first line only.
    message = own.startsWith("HTTP-Code:") ? (own.split("\n")[1]?.replace(/^Message:\s*/, "") ?? own) : own;
    if (typeof value.code === "string") message = `${message} (${value.code})`;
  }
  return { code, reason, message };
}

function parseStatus(body: unknown): Record<string, unknown> | undefined {
  if (body !== null && typeof body === "object") return body as Record<string, unknown>;
  if (typeof body !== "string" || !body.trimStart().startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `HTTP 403 (Forbidden): pods is forbidden: ...` or the network error's message. */
export function describeApiError(error: unknown): string {
  const { code, reason, message } = apiErrorInfo(error);
  if (code === undefined) return message;
  return `HTTP ${code}${reason ? ` (${reason})` : ""}: ${message}`;
}

/** The message of an Error or of a ws ErrorEvent (`{ message, error }`). */
export function eventMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === "object") {
    const value = error as { message?: unknown; error?: unknown };
    if (typeof value.message === "string" && value.message) return value.message;
    if (value.error instanceof Error) return value.error.message;
  }
  return String(error);
}
