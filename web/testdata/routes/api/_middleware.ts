import { mark } from "../../state.ts";

export default mark("api");
