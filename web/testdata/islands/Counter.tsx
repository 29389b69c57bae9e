import type { Signal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";

/** Increments a signal that may be shared with other islands. */
export default function Counter({ count, label }: { count: Signal<number>; label: string }) {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <div class="counter" data-label={label} data-hydrated={String(hydrated)}>
      <span class="count">{count}</span>
      <button type="button" onClick={() => count.value++}>+1 {label}</button>
    </div>
  );
}
