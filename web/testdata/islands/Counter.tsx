import type { Signal } from "@preact/signals";
import { IS_BROWSER } from "fresh";
import { useEffect, useState } from "preact/hooks";

/** Increments a signal that may be shared with other islands. */
export default function Counter({ count, label }: { count: Signal<number>; label: string }) {
  const [hydrated, setHydrated] = useState(false);
  // Only true once the bundle runs: proves `fresh` resolves to the browser entry there.
  useEffect(() => setHydrated(IS_BROWSER), []);
  return (
    <div class="counter" data-label={label} data-hydrated={String(hydrated)}>
      <span class="count">{count}</span>
      <button type="button" onClick={() => count.value++}>+1 {label}</button>
    </div>
  );
}
