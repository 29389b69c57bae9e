import type { PageProps } from "fresh";

export default function File({ params }: PageProps) {
  return <h1>file [{params.path ?? ""}]</h1>;
}
