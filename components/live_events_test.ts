import assert from "node:assert/strict";
import { readEvent } from "./live_events.ts";

const plant = "7a1f4a3e-9d0c-4a53-8a52-0c1f2b3d4e5f";
const alert = "0b6f6c1e-4d58-4a57-9d4e-3f1b7a0e2c11";
const ts = "2026-01-26T10:00:00.000Z";
const ms = Date.parse(ts);

Deno.test("readEvent() reads a plant reading as the API documents it and as the runtime publishes it", () => {
  const reading = { type: "reading", plantId: plant, ts: ms, value: 12.5, metric: "power_mw" };
  assert.deepEqual(
    readEvent({ kind: "plant", id: plant, type: "reading", ts, data: { metric: "power_mw", value: 12.5 } }),
    reading,
  );
  assert.deepEqual(
    readEvent({ type: "reading", kind: "plant", id: plant, metric: "power_mw", ts: ms, value: 12.5 }),
    reading,
  );
  assert.equal(readEvent({ kind: "plant", id: plant, type: "reading", ts, data: {} }), undefined);
});

Deno.test("readEvent() reads alert events of both producers into one row", () => {
  const api = readEvent({
    kind: "alert",
    id: alert,
    type: "alert.acknowledged",
    ts,
    entityKind: "plant",
    entityId: plant,
    data: { id: alert, type: "Spike", severity: "warning", message: "m", ts, value: 9, acknowledgedAt: ts },
  });
  assert.deepEqual(api, {
    type: "alert",
    action: "acknowledged",
    alert: {
      id: alert,
      entityKind: "plant",
      entityId: plant,
      plantId: plant,
      type: "Spike",
      severity: "warning",
      message: "m",
      ts: ms,
      value: 9,
      state: "acknowledged",
    },
  });
  const runtime = readEvent({
    type: "alert",
    kind: "plant",
    id: plant,
    action: "opened",
    alert: { id: alert, type: "ThresholdExceeded", severity: "critical", message: "m", ts: ms, value: 130 },
  });
  assert.equal(runtime?.type, "alert");
  assert.deepEqual(
    runtime?.type === "alert" && [runtime.action, runtime.alert.plantId, runtime.alert.state],
    [
      "opened",
      plant,
      "open",
    ],
  );
  assert.equal(
    readEvent({ type: "alert", kind: "plant", id: plant, action: "opened", alert: {} }),
    undefined,
  );
});

Deno.test("readEvent() reports other state changes by kind and id; ignores what is not an event", () => {
  assert.deepEqual(readEvent({ kind: "ven", id: "v1", type: "state", ts }), {
    type: "state",
    kind: "ven",
    id: "v1",
  });
  assert.equal(readEvent("ping"), undefined);
  assert.equal(readEvent({ kind: "ven" }), undefined);
});
