/**
 * Test helpers for the VEN kind: configurations, specs, topics and payloads.
 * @module
 */
import type { z } from "zod";
import { topics } from "../../domain/telemetry.ts";
import type { ActorSpec } from "../protocol.ts";
import { type VenConfig, VenDetection } from "./config.ts";

/** A VEN configuration with test-friendly defaults (10 s expected interval, warm-up 5, 60 s event baseline). */
export function venConfig(
  overrides: Partial<Omit<VenConfig, "detection">> & { detection?: z.input<typeof VenDetection> } = {},
): VenConfig {
  const { detection, ...rest } = overrides;
  return {
    name: "Test VEN",
    expectedIntervalS: 10,
    rules: [],
    events: [],
    ...rest,
    detection: VenDetection.parse({
      baseline: { warmup: 5, window: 10 },
      event: { baselineWindowS: 60 },
      ...detection,
    }),
  };
}

/** A spec for a new VEN actor. */
export function venSpec(id: string, config: VenConfig = venConfig()): ActorSpec {
  return { kind: "ven", id, config, openAlerts: [] };
}

/** A telemetry payload: two loads sharing `usedKw`, each able to shed 5 kW. */
export function venTelemetry(ts: number, usedKw: number, shedKw = 0) {
  return {
    ts,
    usedPowerKw: usedKw,
    shedPowerKw: shedKw,
    loads: [
      { loadId: "hvac-1", type: "hvac", usedKw: usedKw / 2, shedCapableKw: 5, capacityKw: 80 },
      { loadId: "ev-1", type: "ev_charger", usedKw: usedKw / 2, shedCapableKw: 5 },
    ],
  };
}

export const venTopics = {
  telemetry: (id: string) => topics.venTelemetry(id),
  status: (id: string) => topics.venStatus(id),
  response: (id: string, eventId: string) => topics.venEventResponse(id, eventId),
};
