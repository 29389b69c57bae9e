import { signal } from "@preact/signals";
import { Card } from "../islands/Card.tsx";
import Counter from "../islands/Counter.tsx";

export default function Slot() {
  return (
    <Card title="Plant p-7">
      <p class="server-child">
        rendered on the <strong>server</strong>
      </p>
      <Counter count={signal(10)} label="in-slot" />
    </Card>
  );
}
