/**
 * The one place errors become responses: `application/problem+json` under `/api/`,
 * the nearest error page elsewhere. Unexpected errors are logged and answered with a
 * bare 500.
 *
 * @module
 */
import { HttpError, statusText } from "./http_error.ts";

/** How the application maps its own errors (say, a `ValidationError`) to HTTP. */
export type MapError = (err: unknown) => HttpError | undefined;

/** What {@linkcode errorResponse} needs from the app. */
export interface ErrorResponseOptions {
  /** @default {undefined} */
  mapError?: MapError;
  /** Render the error page for a page request; `undefined` when there is none. */
  renderPage(error: HttpError): Promise<Response | undefined>;
}

/**
 * Turn anything thrown while handling `req` into a response.
 *
 * @example
 * ```ts
 * import { HttpError } from "./http_error.ts";
 * import { errorResponse } from "./error.ts";
 *
 * const res = await errorResponse(new HttpError(404), new Request("http://x/api/plants/9"), {
 *   renderPage: () => Promise.resolve(undefined),
 * });
 * console.assert(res.headers.get("Content-Type") === "application/problem+json");
 * ```
 */
export async function errorResponse(
  err: unknown,
  req: Request,
  options: ErrorResponseOptions,
): Promise<Response> {
  const error = toHttpError(err, options.mapError, req);
  const url = new URL(req.url);
  let res: Response | undefined;
  if (isApiPath(url.pathname)) {
    res = problemResponse(error, url);
  } else {
    try {
      res = await options.renderPage(error);
    } catch (renderError) {
      logError(renderError, req, 500);
    }
    res ??= new Response(`${error.status} ${error.message}`, {
      status: error.status,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  for (const [name, value] of error.headers) res.headers.set(name, value);
  return res;
}

/** Whether `pathname` is answered with problem documents rather than error pages. */
export function isApiPath(pathname: string): boolean {
  return pathname === "/api" || pathname.startsWith("/api/");
}

function toHttpError(err: unknown, mapError: MapError | undefined, req: Request): HttpError {
  let error = err instanceof HttpError ? err : undefined;
  try {
    error ??= mapError?.(err);
  } catch (mapFailure) {
    logError(mapFailure, req, 500);
  }
  // The message of an unexpected error may hold internals; the client gets none of it.
  error ??= new HttpError(500, "An unexpected error occurred", { cause: err });
  if (error.status >= 500) logError(err, req, error.status);
  return error;
}

function problemResponse(error: HttpError, url: URL): Response {
  const body: Record<string, unknown> = {
    type: error.type,
    title: statusText(error.status),
    status: error.status,
    detail: error.message,
    instance: url.pathname,
  };
  // Extra members may add to the standard ones, never replace them.
  for (const [key, value] of Object.entries(error.extra)) if (!(key in body)) body[key] = value;
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

/** One JSON line on stderr, so log shippers keep the stack with its request. */
function logError(err: unknown, req: Request, status: number): void {
  const error = err instanceof Error
    ? {
      name: err.name,
      message: err.message,
      stack: err.stack,
      cause: err.cause === undefined ? undefined : String(err.cause),
    }
    : { message: String(err) };
  console.error(JSON.stringify({
    level: "error",
    time: new Date().toISOString(),
    msg: "request failed",
    method: req.method,
    path: new URL(req.url).pathname,
    status,
    error,
  }));
}
