import { define } from "../state.ts";

export default define.page(({ url }) => <p class="root-404">missing {url.pathname}</p>);
