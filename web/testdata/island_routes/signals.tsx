import { signal } from "@preact/signals";
import Counter from "../islands/Counter.tsx";

export default function Signals() {
  const count = signal(3);
  return (
    <main>
      <Counter count={count} label="a" />
      <Counter count={count} label="b" />
    </main>
  );
}
