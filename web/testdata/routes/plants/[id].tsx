import { page } from "fresh";
import { define } from "../../state.ts";

export const handler = define.handlers({
  GET(ctx) {
    ctx.state.title = `Plant ${ctx.params.id}`;
    return page({ id: ctx.params.id }, { headers: { "X-Plant": ctx.params.id } });
  },
});

export default define.page<typeof handler>(({ data, params }) => (
  <h1>
    plant {data.id} {params.id}
  </h1>
));
