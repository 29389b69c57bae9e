import { define } from "../state.ts";

export default define.page(({ error }) => <p class="root-error">{error?.status} {error?.message}</p>);
