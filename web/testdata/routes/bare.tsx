import type { RouteConfig } from "fresh";

export const config: RouteConfig = { skipAppWrapper: true };

export default function Bare() {
  return <p class="bare">bare</p>;
}
