import { define, mark } from "../state.ts";

/** Two middlewares: they must run in array order, the first wrapping the second. */
export default define.middleware([
  async (ctx) => {
    (ctx.state.trail ??= []).push("root-a");
    const res = await ctx.next();
    res.headers.set("X-Trail", ctx.state.trail.join(","));
    return res;
  },
  mark("root-b"),
]);
