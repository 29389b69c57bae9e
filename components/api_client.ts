/**
 * The islands' way to the REST API (browser only): same-origin requests with the session cookies, a
 * transparent session refresh when the access token has expired, and problem+json errors with their
 * field errors.
 *
 * @example
 * ```ts
 * import { ApiError, apiRequest } from "./components/api_client.ts";
 * try {
 *   await apiRequest("POST", "/api/plants", { name: "Pier 4 PV", assetType: "solar", capacityMw: 2 });
 * } catch (error) {
 *   if (error instanceof ApiError) console.log(error.fieldErrors);
 * }
 * ```
 * @module
 */

/** One field error of a problem response. */
export interface FieldError {
  field: string;
  message: string;
}

/** A request the API refused: its status, `detail` and field errors. */
export class ApiError extends Error {
  readonly status: number;
  readonly fieldErrors: FieldError[];
  constructor(status: number, message: string, fieldErrors: FieldError[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

let refreshing: Promise<boolean> | undefined;

/**
 * Renews the session cookies from the refresh cookie. Concurrent callers share one attempt: the refresh
 * token is single use, and a second use would end every session of the user.
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch("/api/auth/token/refresh", { method: "POST", credentials: "same-origin" })
    .then(async (res) => {
      await res.body?.cancel();
      return res.ok;
    }, () => false)
    .finally(() => setTimeout(() => (refreshing = undefined), 1000));
  return refreshing;
}

function send(method: string, path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? { Accept: "application/json" } : {
      Accept: "application/json",
      "Content-Type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function problemOf(res: Response): Promise<ApiError> {
  try {
    const problem = await res.json();
    return new ApiError(res.status, problem.detail ?? problem.title ?? res.statusText, problem.errors ?? []);
  } catch {
    return new ApiError(res.status, `The server answered ${res.status} ${res.statusText}`);
  }
}

/**
 * Sends a JSON request; resolves to the parsed body (undefined for 204).
 *
 * @throws {ApiError} for any answer that is not 2xx (after one session refresh on 401), or a network error
 * (status 0).
 */
export async function apiRequest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await send(method, path, body);
    if (res.status === 401 && await refreshSession()) res = await send(method, path, body);
  } catch (error) {
    throw new ApiError(0, `GridPulse could not be reached: ${(error as Error).message}`);
  }
  if (!res.ok) throw await problemOf(res);
  return res.status === 204 ? undefined as T : await res.json() as T;
}

const inFlight = new Map<string, Promise<unknown>>();

/** A GET that several islands polling at once share: one request per URL at a time. */
export function getJson<T = unknown>(path: string): Promise<T> {
  let pending = inFlight.get(path);
  if (!pending) {
    pending = apiRequest<T>("GET", path).finally(() => inFlight.delete(path));
    inFlight.set(path, pending);
  }
  return pending as Promise<T>;
}
