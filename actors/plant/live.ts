/**
 * What a plant actor shows outside: its live state in the cache (`actor:plant:{id}`, built once per
 * flush by the host) and its change events.
 * @module
 */
import { keys, TTL } from "../../stores/cache/cache.ts";
import { baselineValue } from "../detectors/baseline.ts";
import type { Effect } from "../kind.ts";
import type { PlantState } from "./behaviour.ts";
import { GAP_KEY, POWER_METRIC } from "./config.ts";
import type { PlantReading } from "./decode.ts";

/** A `reading` event, and a `state` event when the status changed (live state: {@linkcode live}). */
export function publish(state: PlantState, before: PlantState | undefined, reading?: PlantReading): Effect[] {
  const effects: Effect[] = [];
  if (reading) {
    const m = state.metrics[reading.metric];
    const baseline = m ? baselineValue(m.baseline, state.config.detection.baseline) ?? null : null;
    effects.push({
      type: "event",
      event: {
        type: "reading",
        kind: "plant",
        id: state.id,
        metric: reading.metric,
        ts: reading.ts,
        value: reading.value,
        baseline,
      },
    });
  }
  const status = statusOf(state);
  if (!before || statusOf(before) !== status) {
    effects.push({ type: "event", event: { type: "state", kind: "plant", id: state.id, status } });
  }
  return effects;
}

/** The live state in the cache (`actor:plant:{id}`, seed-004 TTL for latest values). */
export function live(state: PlantState) {
  const metric = state.last?.metric ?? POWER_METRIC;
  const m = state.metrics[metric];
  return {
    key: keys.actor("plant", state.id),
    ttlSeconds: TTL.latest,
    value: {
      kind: "plant",
      id: state.id,
      name: state.config.name,
      status: statusOf(state),
      metric,
      lastValue: state.last?.value ?? null,
      lastTs: state.last ? new Date(state.last.ts).toISOString() : null,
      lastSeenAt: state.lastSeenAt ? new Date(state.lastSeenAt).toISOString() : null,
      baseline: m ? baselineValue(m.baseline, state.config.detection.baseline) ?? null : null,
      capacityMw: state.config.capacityMw,
      openAlerts: Object.values(state.alerts),
    },
  };
}

/** `silent` during a data gap, `alerting` with any other open alert, else `ok`. */
export function statusOf(state: PlantState): "ok" | "alerting" | "silent" {
  if (state.alerts[GAP_KEY]) return "silent";
  return Object.keys(state.alerts).length > 0 ? "alerting" : "ok";
}
