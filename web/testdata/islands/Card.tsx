import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";

/** An island that wraps server-rendered children (a slot). */
export function Card({ title, children }: { title: string; children?: ComponentChildren }) {
  const [open, setOpen] = useState(false);
  return (
    <section class="card-island">
      <h2>{title}</h2>
      <div class="card-body">{children}</div>
      <button type="button" class="toggle" onClick={() => setOpen(!open)}>toggle</button>
      {open && <p class="opened">opened</p>}
    </section>
  );
}
