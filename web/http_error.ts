/**
 * The one error type the web layer turns into an HTTP response.
 *
 * @module
 */

/** HTTP status codes in the 4xx range. */
export type ClientErrorStatus =
  | 400
  | 401
  | 402
  | 403
  | 404
  | 405
  | 406
  | 407
  | 408
  | 409
  | 410
  | 411
  | 412
  | 413
  | 414
  | 415
  | 416
  | 417
  | 418
  | 421
  | 422
  | 423
  | 424
  | 425
  | 426
  | 428
  | 429
  | 431
  | 451;

/** HTTP status codes in the 5xx range. */
export type ServerErrorStatus = 500 | 501 | 502 | 503 | 504 | 505 | 506 | 507 | 508 | 510 | 511;

/** Any status an {@linkcode HttpError} may carry. */
export type ErrorStatus = ClientErrorStatus | ServerErrorStatus;

/** Options for {@linkcode HttpError}. */
export interface HttpErrorOptions extends ErrorOptions {
  /**
   * Extra members of the problem document (RFC 9457) sent for `/api/` requests,
   * e.g. `{ errors: [{ field, message }] }`.
   * @default {undefined}
   */
  extra?: Record<string, unknown>;
  /**
   * Headers to send with the error response, e.g. `Allow` or `Retry-After`.
   * @default {undefined}
   */
  headers?: HeadersInit;
  /**
   * The problem `type` URI.
   * @default {"about:blank"}
   */
  type?: string;
}

/**
 * An error that carries the HTTP status it should be answered with. Throw it from a
 * handler or middleware; the web layer renders it as `application/problem+json` under
 * `/api/` and as the nearest `_error.tsx` page elsewhere.
 *
 * @example Throw a 404 from a handler
 * ```ts
 * import { HttpError } from "fresh";
 *
 * const err = new HttpError(404, "Plant p-7 not found");
 * console.assert(err.status === 404);
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status of the response. */
  readonly status: ErrorStatus;
  /** Extra problem-document members. */
  readonly extra: Readonly<Record<string, unknown>>;
  /** Headers sent with the response. */
  readonly headers: Headers;
  /** The problem `type` URI. */
  readonly type: string;

  /**
   * Create an error answered with `status`.
   *
   * @param status A 4xx or 5xx status code.
   * @param message What went wrong, safe to show to the client. Defaults to the status text.
   * @param options `cause`, `extra` problem members, `headers` and problem `type`.
   * @throws {RangeError} If `status` is not a 4xx or 5xx code.
   */
  constructor(status: ErrorStatus, message?: string, options: HttpErrorOptions = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError status must be 400-599, got ${status}`);
    }
    super(message ?? statusText(status), { cause: options.cause });
    this.name = "HttpError";
    this.status = status;
    this.extra = options.extra ?? {};
    this.headers = new Headers(options.headers);
    this.type = options.type ?? "about:blank";
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  418: "I'm a teapot",
  421: "Misdirected Request",
  422: "Unprocessable Content",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  506: "Variant Also Negotiates",
  507: "Insufficient Storage",
  508: "Loop Detected",
  510: "Not Extended",
  511: "Network Authentication Required",
};

/** The reason phrase of an error status, e.g. `"Not Found"` for 404. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? "Error";
}
