import { define } from "../../state.ts";

export default define.page(({ error }) => <p class="admin-error">admin {error?.status} {error?.message}</p>);
