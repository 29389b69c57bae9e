import assert from "node:assert/strict";
import { ChangeEvent } from "../domain/live.ts";
import { toChangeEvent } from "./change_event.ts";

const plant = "7a1f4a3e-9d0c-4a53-8a52-0c1f2b3d4e5f";
const alertId = "0b6f6c1e-4d58-4a57-9d4e-3f1b7a0e2c11";
const ms = Date.parse("2026-01-26T10:00:00.000Z");

Deno.test("toChangeEvent() turns a reading into the documented shape, its fields in data", () => {
  const event = toChangeEvent({
    type: "reading",
    kind: "plant",
    id: plant,
    metric: "power_mw",
    ts: ms,
    value: 12.5,
  });
  assert.deepEqual(event, {
    kind: "plant",
    id: plant,
    type: "reading",
    ts: "2026-01-26T10:00:00.000Z",
    data: { metric: "power_mw", value: 12.5 },
  });
  assert.ok(ChangeEvent.safeParse(event).success);
});

Deno.test("toChangeEvent() makes an alert event about the alert, naming the actor's entity", () => {
  const alert = {
    id: alertId,
    type: "Spike",
    severity: "warning",
    message: "m",
    value: 9,
    ts: ms,
    lastSeenAt: ms,
  };
  const opened = toChangeEvent({ type: "alert", kind: "plant", id: plant, action: "opened", alert });
  assert.equal(opened.kind, "alert");
  assert.equal(opened.id, alertId);
  assert.equal(opened.type, "alert.opened");
  assert.equal(opened.entityKind, "plant");
  assert.equal(opened.entityId, plant);
  assert.deepEqual((opened.data as Record<string, unknown>).ts, "2026-01-26T10:00:00.000Z");
  assert.equal((opened.data as Record<string, unknown>).plantId, plant);
  assert.ok(ChangeEvent.safeParse(opened).success);
  const resolved = toChangeEvent({
    type: "alert",
    kind: "plant",
    id: plant,
    action: "resolved",
    alert: { ...alert, resolvedAt: ms + 60_000 },
  });
  assert.equal(resolved.type, "alert.resolved");
  assert.equal((resolved.data as Record<string, unknown>).resolvedAt, "2026-01-26T10:01:00.000Z");
});

Deno.test("toChangeEvent() stamps an event without a time with now", () => {
  const event = toChangeEvent({ type: "state", kind: "plant", id: plant, status: "silent" }, ms);
  assert.deepEqual(event, {
    kind: "plant",
    id: plant,
    type: "state",
    ts: "2026-01-26T10:00:00.000Z",
    data: { status: "silent" },
  });
  assert.ok(ChangeEvent.safeParse(event).success);
});
