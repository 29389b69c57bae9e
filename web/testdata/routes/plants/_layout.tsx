import { define } from "../../state.ts";

export default define.page(({ Component }) => (
  <section class="plants-layout">
    <Component />
  </section>
));
