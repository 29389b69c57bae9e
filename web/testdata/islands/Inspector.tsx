/** Shows the type of each prop, so tests can see what survived serialization. */
export default function Inspector(props: Record<string, unknown>) {
  const describe = (v: unknown) =>
    v === null ? "null" : typeof v === "object" ? v.constructor.name : typeof v;
  const text = Object.entries(props).map(([k, v]) => `${k}:${describe(v)}`).join(" ");
  return <pre class="inspector">{text}</pre>;
}
