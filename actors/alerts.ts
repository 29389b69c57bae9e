/**
 * Alert bookkeeping shared by every kind: an actor holds its open alerts by dedupe key; opening an
 * alert that is already open bumps it (occurrences, last seen) instead of creating another, both in
 * the actor and in the `alerts` table (partial unique index on (entity_id, dedupe_key) while open).
 * Pure functions returning the new map and the effects to commit.
 * @module
 */
import type { ActorKind } from "./runtime.ts";
import type { ActorContext, Effect, OpenAlertRecord } from "./kind.ts";

/** An open (or acknowledged, not yet resolved) alert as an actor holds it. */
export type OpenAlert = OpenAlertRecord;

/** Open alerts by dedupe key. */
export type OpenAlerts = Readonly<Record<string, OpenAlert>>;

/** What a detector reports. */
export interface AlertSignal {
  type: OpenAlert["type"];
  dedupeKey: string;
  severity: OpenAlert["severity"];
  message: string;
  metric?: string;
  value?: number;
  baseline?: number;
  threshold?: number;
  /** When it happened (reading time, or the host clock for a timer). */
  ts: number;
  details?: Record<string, unknown>;
}

/** The sink alerts are written to (actors/sinks/alerts.ts). */
export const ALERTS_SINK = "alerts";

/**
 * Opens `signal`, or bumps the open alert with the same dedupe key. Returns the alerts and the effects
 * (the row to upsert and an `alert` change event).
 */
export function raiseAlert(
  alerts: OpenAlerts,
  entity: { kind: ActorKind; id: string; plantId?: string },
  signal: AlertSignal,
  ctx: ActorContext,
): { alerts: OpenAlerts; effects: Effect[] } {
  const existing = alerts[signal.dedupeKey];
  const alert: OpenAlert = existing
    ? {
      ...existing,
      value: signal.value ?? existing.value,
      lastSeenAt: Math.max(existing.lastSeenAt, signal.ts),
      occurrences: existing.occurrences + 1,
    }
    : {
      id: ctx.uuid(),
      type: signal.type,
      dedupeKey: signal.dedupeKey,
      severity: signal.severity,
      message: signal.message,
      metric: signal.metric ?? null,
      value: signal.value ?? null,
      ts: signal.ts,
      lastSeenAt: signal.ts,
      occurrences: 1,
      acknowledged: false,
    };
  const row = {
    op: "open",
    id: alert.id,
    entity_kind: entity.kind,
    entity_id: entity.id,
    plant_id: entity.plantId ?? null,
    type: signal.type,
    severity: signal.severity,
    message: signal.message,
    metric: signal.metric ?? null,
    value: signal.value ?? null,
    baseline: signal.baseline ?? null,
    threshold: signal.threshold ?? null,
    dedupe_key: signal.dedupeKey,
    ts: signal.ts,
    details: signal.details ?? {},
  };
  return {
    alerts: { ...alerts, [signal.dedupeKey]: alert },
    effects: [
      { type: "write", sink: ALERTS_SINK, row },
      {
        type: "event",
        event: {
          type: "alert",
          kind: entity.kind,
          id: entity.id,
          action: existing ? "updated" : "opened",
          alert,
        },
      },
    ],
  };
}

/** Resolves the open alert with `dedupeKey`, if any (`resolved_by` = "system"). */
export function resolveAlert(
  alerts: OpenAlerts,
  entity: { kind: ActorKind; id: string },
  dedupeKey: string,
  ts: number,
): { alerts: OpenAlerts; effects: Effect[] } {
  const alert = alerts[dedupeKey];
  if (!alert) return { alerts, effects: [] };
  const { [dedupeKey]: _, ...rest } = alerts;
  return {
    alerts: rest,
    effects: [
      {
        type: "write",
        sink: ALERTS_SINK,
        row: {
          op: "resolve",
          id: alert.id,
          entity_kind: entity.kind,
          entity_id: entity.id,
          dedupe_key: dedupeKey,
          ts,
        },
      },
      {
        type: "event",
        event: {
          type: "alert",
          kind: entity.kind,
          id: entity.id,
          action: "resolved",
          alert: { ...alert, resolvedAt: ts },
        },
      },
    ],
  };
}

/**
 * Applies an operator's command about an alert (the API already changed the row): `alert.resolved`
 * forgets it, so the next detection opens a new alert; `alert.acknowledged` marks it. The alert is
 * named by `alertId` or `dedupeKey`. Returns `undefined` when the command is not about an alert.
 */
export function applyAlertCommand(
  alerts: OpenAlerts,
  command: { type: string; alertId?: unknown; dedupeKey?: unknown },
): OpenAlerts | undefined {
  if (command.type !== "alert.resolved" && command.type !== "alert.acknowledged") return undefined;
  const alert = Object.values(alerts).find((a) =>
    a.id === command.alertId || a.dedupeKey === command.dedupeKey
  );
  if (!alert) return alerts;
  if (command.type === "alert.acknowledged") {
    return { ...alerts, [alert.dedupeKey]: { ...alert, acknowledged: true } };
  }
  const { [alert.dedupeKey]: _, ...rest } = alerts;
  return rest;
}
