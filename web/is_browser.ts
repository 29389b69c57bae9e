/**
 * `true` in island bundles running in the browser, `false` on the server. Guard
 * browser-only code (timers, `window`, chart libraries) with it.
 *
 * @example
 * ```ts
 * import { IS_BROWSER } from "fresh";
 *
 * if (IS_BROWSER) console.log("hydrated");
 * ```
 */
export const IS_BROWSER: boolean = typeof document !== "undefined";
