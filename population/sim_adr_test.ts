import assert from "node:assert/strict";
import { isoDurationSeconds, parseAdrEvents } from "./sim_adr.ts";
import { sheddingFraction, type SimVen, venTick } from "./sim_behaviour.ts";
import { VenTelemetry } from "../domain/telemetry.ts";

Deno.test("isoDurationSeconds() parses ISO 8601 durations and rejects malformed ones", () => {
  assert.equal(isoDurationSeconds("PT1H30M"), 5_400);
  assert.equal(isoDurationSeconds("P1DT2S"), 86_402);
  assert.equal(isoDurationSeconds("PT0.5S"), 0.5);
  assert.equal(isoDurationSeconds("P"), undefined);
  assert.equal(isoDurationSeconds("PT"), undefined);
  assert.equal(isoDurationSeconds("1 hour"), undefined);
});

Deno.test("parseAdrEvents() reads OpenADR-style, flat and listed events and skips cancelled or empty ones", () => {
  const start = "2026-01-26T10:00:00Z";
  const t = Date.parse(start);
  assert.deepEqual(
    parseAdrEvents(JSON.stringify({
      id: "e1",
      intervals: [{
        intervalPeriod: { start, duration: "PT1H" },
        payloads: [{ type: "SIMPLE", values: [3] }],
      }],
    })),
    [{ id: "e1", start: t, end: t + 3_600_000, shedFraction: 1 }],
  );
  assert.deepEqual(
    parseAdrEvents(JSON.stringify([{ eventId: "e2", start_at: start, duration_s: 600, shedLevel: 1 }])),
    [
      { id: "e2", start: t, end: t + 600_000, shedFraction: 1 / 3 },
    ],
  );
  assert.equal(
    parseAdrEvents(JSON.stringify({ events: [{ id: "e3", startAt: t, durationS: 60 }] })).length,
    1,
  );
  assert.deepEqual(
    parseAdrEvents(JSON.stringify({ id: "e4", status: "cancelled", start, durationS: 60 })),
    [],
  );
  assert.deepEqual(parseAdrEvents(""), []);
  assert.deepEqual(parseAdrEvents("not json"), []);
  assert.deepEqual(parseAdrEvents(JSON.stringify({ id: "e5" })), []);
});

Deno.test("venTick() sheds load only during an opted-in event, with valid telemetry", () => {
  const t0 = Date.UTC(2026, 0, 1); // telemetry timestamps must be 2000-2100
  const ven: SimVen = {
    id: "v",
    name: "v",
    loads: [{ loadId: "a", type: "hvac", capacityKw: 200, shedKw: 40 }],
    offlineUntil: 0,
    silentUntil: 0,
    events: new Map([["e", {
      id: "e",
      start: t0 + 1_000_000,
      end: t0 + 2_000_000,
      shedFraction: 1,
      opt: "optIn" as const,
    }]]),
  };
  const rates = { spike: 0, breach: 0, gap: 0, offline: 0 };
  const before = venTick(ven, t0 + 999_999, () => 0.5, rates)[0].payload;
  const during = venTick(ven, t0 + 1_500_000, () => 0.5, rates)[0].payload;
  assert.equal(before.shedPowerKw, 0);
  assert.equal(during.shedPowerKw, 40);
  assert.equal((before.usedPowerKw as number) - (during.usedPowerKw as number), 40);
  assert.ok(VenTelemetry.safeParse(during).success);
  ven.events.get("e")!.opt = "optOut";
  assert.equal(sheddingFraction(ven, t0 + 1_500_000), 0);
});

Deno.test("venTick() goes offline, stays silent, then reports online again", () => {
  const ven: SimVen = { id: "v", name: "v", loads: [], offlineUntil: 0, silentUntil: 0, events: new Map() };
  const offline = venTick(ven, 0, () => 0, { spike: 0, breach: 0, gap: 0, offline: 1 });
  assert.deepEqual(offline.map((e) => [e.topic, e.payload.status]), [["status", "offline"]]);
  assert.deepEqual(venTick(ven, 30_000, () => 0, { spike: 0, breach: 0, gap: 0, offline: 0 }), []);
  const back = venTick(ven, ven.offlineUntil, () => 0, { spike: 0, breach: 0, gap: 0, offline: 0 });
  assert.deepEqual(back.map((e) => [e.topic, e.payload.status ?? "telemetry"]), [["status", "online"], [
    "telemetry",
    "telemetry",
  ]]);
});
