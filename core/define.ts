/**
 * The typed `define` helpers of GridPulse's {@linkcode State}, as Fresh's `utils.ts` holds them: route
 * files type their handlers, pages and middleware with these.
 *
 * @example
 * ```ts
 * import { page } from "fresh";
 * import { define } from "./core/define.ts";
 * export const handler = define.handlers({ GET: (ctx) => page({ user: ctx.state.user }) });
 * ```
 * @module
 */
import { createDefine, type Define } from "fresh";
import type { State } from "./services.ts";

/** `define.handlers`, `define.page<typeof handler>`, `define.middleware` for {@linkcode State}. */
export const define: Define<State> = createDefine<State>();
