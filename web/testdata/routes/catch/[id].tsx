import type { PageProps } from "fresh";

export default function One({ params }: PageProps) {
  return <h1>catch param {params.id}</h1>;
}
