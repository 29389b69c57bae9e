/**
 * Test helpers for the plant kind: configurations and readings.
 * @module
 */
import { topics } from "../../domain/telemetry.ts";
import type { ActorSpec } from "../protocol.ts";
import type { z } from "zod";
import { type PlantConfig, PlantDetection } from "./config.ts";

/** A plant configuration with test-friendly defaults (1 s expected interval, warm-up 5). */
export function plantConfig(
  overrides: Partial<Omit<PlantConfig, "detection">> & { detection?: z.input<typeof PlantDetection> } = {},
): PlantConfig {
  const { detection, ...rest } = overrides;
  return {
    name: "Test plant",
    capacityMw: 100,
    status: "online",
    expectedIntervalS: 1,
    rules: [],
    ...rest,
    detection: PlantDetection.parse({ baseline: { warmup: 5, window: 10 }, ...detection }),
  };
}

/** A spec for a new plant actor. */
export function plantSpec(id: string, config: PlantConfig = plantConfig()): ActorSpec {
  return { kind: "plant", id, config, openAlerts: [] };
}

/** The telemetry topic of a plant. */
export const plantTopic = (id: string) => topics.plantTelemetry(id);
