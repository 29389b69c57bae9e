import { define } from "../../state.ts";

export default define.page(({ Component }) => (
  <div class="ops-layout">
    <Component />
  </div>
));
