/**
 * `page()`: what a handler returns to render its route's page component.
 *
 * @module
 */

const PAGE = Symbol("fresh.page");

/** Status and headers of a rendered page. */
export interface PageInit {
  /** The response status. @default {200} */
  status?: number;
  /** Extra response headers. @default {undefined} */
  headers?: HeadersInit;
}

/** The value `page()` returns; the router renders it with the route's component. */
export interface PageResponse<Data> extends PageInit {
  /** Brands the value; a plain object with `data` is not a page. */
  readonly [PAGE]: true;
  /** The data handed to the page component as `props.data`. */
  readonly data: Data;
}

/**
 * Ask for the route's page component to be rendered with `data`.
 *
 * @example
 * ```ts
 * import { page } from "fresh";
 *
 * export const handler = {
 *   GET() {
 *     return page({ plants: 3 }, { headers: { "Cache-Control": "no-store" } });
 *   },
 * };
 * ```
 */
export function page<Data = undefined>(data?: Data, init: PageInit = {}): PageResponse<Data> {
  return { [PAGE]: true, data: data as Data, status: init.status, headers: init.headers };
}

/** Whether a handler result is a {@linkcode PageResponse}. */
export function isPageResponse(value: unknown): value is PageResponse<unknown> {
  return typeof value === "object" && value !== null && PAGE in value;
}
