import { define } from "../state.ts";

export default define.page(({ state }) => <h1>home {state.trail.join(",")}</h1>);
