import type { PageProps } from "fresh";

export default function Rest({ params }: PageProps) {
  return <h1>catch rest {params.rest}</h1>;
}
