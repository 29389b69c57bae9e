import { signal } from "@preact/signals";
import Counter from "./Counter.tsx";

const inner = signal(5);

/** An island that renders another island inside itself: the inner one is a plain component. */
export default function Panel() {
  return (
    <div class="panel">
      <Counter count={inner} label="inner" />
    </div>
  );
}
