import assert from "node:assert/strict";
import fc from "fast-check";
import { parseTopic, Timestamp, type TopicRoute, topics } from "./telemetry.ts";

const A = "0b6f6c1e-4d58-4a57-9d4e-3f1b7a0e2c11";
const B = "6a1d2c3b-0e9f-4a8b-8c7d-1e2f3a4b5c6d";

Deno.test("parseTopic: every inbound topic, table", () => {
  const cases: [string, TopicRoute | undefined][] = [
    [topics.plantTelemetry(A), { kind: "plant", id: A, channel: "telemetry" }],
    [topics.venTelemetry(A), { kind: "ven", id: A, channel: "telemetry" }],
    [topics.venStatus(A), { kind: "ven", id: A, channel: "status" }],
    [topics.venEventResponse(A, B), { kind: "ven", id: A, channel: "event_response", eventId: B }],
    [topics.meterMeasurement(A, B), { kind: "site", id: A, channel: "meter", meterId: B }],
    [topics.assetMeasurement(A, B), { kind: "site", id: A, channel: "asset", entityId: B }],
    [topics.energySourceMeasurement(A, B), { kind: "site", id: A, channel: "energy_source", entityId: B }],
    // ids are lower-cased
    [topics.assetMeasurement(A.toUpperCase(), B.toUpperCase()), {
      kind: "site",
      id: A,
      channel: "asset",
      entityId: B,
    }],
    // not consumed
    [topics.venEvents(A), undefined],
    [`gridpulse/sites/${A}/assets/not-a-uuid`, undefined],
    [`gridpulse/sites/${A}/energy-sources/not-a-uuid`, undefined],
    [`gridpulse/sites/${A}/energy_sources/${B}`, undefined], // the topic segment is `energy-sources`
    [`gridpulse/sites/${A}/grid-links/${B}`, undefined],
    [`gridpulse/sites/${A}/assets/${B}/extra`, undefined],
    [`gridpulse/sites/${A}/assets`, undefined],
    [`gridpulse/sites/not-a-uuid/assets/${B}`, undefined],
    [`other/sites/${A}/assets/${B}`, undefined],
  ];
  for (const [topic, expected] of cases) assert.deepEqual(parseTopic(topic), expected, topic);
});

Deno.test("parseTopic: a site's measurement topics round-trip for any ids, and only with UUIDs", () => {
  const kinds = [
    { build: topics.meterMeasurement, channel: "meter" },
    { build: topics.assetMeasurement, channel: "asset" },
    { build: topics.energySourceMeasurement, channel: "energy_source" },
  ] as const;
  fc.assert(
    fc.property(fc.uuid(), fc.uuid(), fc.constantFrom(...kinds), (site, entity, k) => {
      const route = parseTopic(k.build(site, entity));
      assert.ok(route && route.kind === "site");
      assert.equal(route.id, site.toLowerCase());
      assert.equal(route.channel, k.channel);
      assert.equal(route.channel === "meter" ? route.meterId : route.entityId, entity.toLowerCase());
    }),
  );
  fc.assert(
    fc.property(
      fc.uuid(),
      fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes("/")),
      fc.constantFrom(...kinds),
      (site, entity, k) => {
        fc.pre(!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(entity));
        assert.equal(parseTopic(k.build(site, entity)), undefined);
      },
    ),
  );
});

Deno.test("parseTopic: the wildcard filters of a site match exactly its measurement topics", () => {
  // MQTT `+` matches one level: the filter with the id in place of `+` is the topic.
  assert.equal(topics.siteAssets(A).replace("+", B), topics.assetMeasurement(A, B));
  assert.equal(topics.siteEnergySources(A).replace("+", B), topics.energySourceMeasurement(A, B));
  assert.equal(topics.siteMeters(A).replace("+", B), topics.meterMeasurement(A, B));
});

Deno.test("Timestamp: epoch milliseconds and ISO 8601 text are both bounded to 2000-2100", () => {
  assert.equal(Timestamp.parse(1_795_000_000_000), 1_795_000_000_000);
  assert.equal(Timestamp.parse("2026-11-24T12:00:00+01:00"), Date.UTC(2026, 10, 24, 11));
  for (const bad of [946_684_799_999, 4_102_444_800_001, "1999-12-31T23:59:59Z", "9999-01-01T00:00:00Z"]) {
    const result = Timestamp.safeParse(bad);
    assert.equal(result.success, false, `${bad} is refused`);
    assert.match(result.error!.issues.map((i) => i.message).join(" "), /2000|2100/);
  }
  assert.equal(Timestamp.safeParse("2026-11-24T12:00:00").success, false, "an offset is required");
});
