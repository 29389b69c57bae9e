import { define } from "../../state.ts";

/** One function for every method. */
export const handler = define.handlers((ctx) => ctx.json({ method: ctx.req.method }));
