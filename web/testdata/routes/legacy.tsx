import type { PageProps, RouteConfig } from "fresh";

export const config: RouteConfig = { routeOverride: "/old/:code" };

export default function Legacy({ params }: PageProps) {
  return <p>legacy {params.code}</p>;
}
