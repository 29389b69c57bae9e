import { HttpError } from "fresh";
import { define } from "../../../state.ts";

export const handler = define.handlers({
  GET(ctx) {
    if (ctx.params.id === "missing") throw new HttpError(404, "Plant missing not found");
    return ctx.json({ id: ctx.params.id });
  },
  DELETE() {
    return new Response(null, { status: 204 });
  },
});
