import type { PageProps } from "fresh";
import { define } from "../state.ts";

export const handler = define.handlers({
  async POST(ctx) {
    const form = await ctx.req.formData();
    return ctx.render({ name: String(form.get("name")) }, { status: 201 });
  },
});

export default function Rendered({ data }: PageProps<{ name: string }>) {
  return <p>saved {data.name}</p>;
}
