import type { RouteConfig } from "fresh";

export const config: RouteConfig = { skipInheritedLayouts: true };

export default function Standalone() {
  return <p class="standalone">no layouts</p>;
}
