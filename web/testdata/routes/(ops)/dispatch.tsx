import { define } from "../../state.ts";

export default define.page(({ state }) => <h1>dispatch {state.trail.join(",")}</h1>);
