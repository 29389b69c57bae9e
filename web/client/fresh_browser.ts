/**
 * What `import ... from "fresh"` means inside island bundles: the browser-safe part of
 * `web/mod.ts`. The builder points the `fresh` specifier here.
 *
 * @module
 */
export { createDefine } from "../define.ts";
export { HttpError } from "../http_error.ts";
export { IS_BROWSER } from "../is_browser.ts";
export { page } from "../page.ts";
