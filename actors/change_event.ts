/**
 * The actors' change events in the shape the rest of GridPulse reads (`domain/live.ts` `ChangeEvent`:
 * `{kind, id, type, ts, entityKind?, entityId?, data}`, times in ISO 8601). Behaviours emit flat events
 * with epoch-ms times (`{type: "reading", kind, id, ts, value}`, `{type: "alert", kind, id, action,
 * alert}`); the writer publishes each through {@linkcode toChangeEvent}, so `/api/stream`, which drops
 * what does not match the documented shape, relays them.
 *
 * @example
 * ```ts
 * import { toChangeEvent } from "./actors/change_event.ts";
 * const event = toChangeEvent({ type: "reading", kind: "plant", id: "p1", ts: 0, value: 12.5 });
 * console.assert(event.type === "reading" && event.ts === "1970-01-01T00:00:00.000Z");
 * ```
 * @module
 */
import type { ChangeEvent } from "../domain/live.ts";
import type { ChangeEvent as KindEvent } from "./kind.ts";

const iso = (ms: unknown, fallback: number) => new Date(typeof ms === "number" ? ms : fallback).toISOString();

/**
 * An alert event is about the alert (`id` its id, `type` `alert.opened|updated|resolved|acknowledged`)
 * and names the actor's entity; other events are about the actor itself, their fields in `data`.
 */
export function toChangeEvent(event: KindEvent, now: number = Date.now()): ChangeEvent {
  const { type, kind, id, ...fields } = event;
  if (type === "alert" && typeof fields.alert === "object" && fields.alert !== null) {
    const alert = fields.alert as Record<string, unknown>;
    const ts = iso(alert.lastSeenAt ?? alert.ts, now);
    return {
      kind: "alert",
      id: String(alert.id),
      type: `alert.${String(fields.action ?? "updated")}`,
      ts,
      entityKind: kind,
      entityId: id,
      data: {
        ...alert,
        entityKind: kind,
        entityId: id,
        plantId: kind === "plant" ? id : null,
        ts: iso(alert.ts, now),
        lastSeenAt: iso(alert.lastSeenAt ?? alert.ts, now),
        ...(typeof alert.resolvedAt === "number" ? { resolvedAt: iso(alert.resolvedAt, now) } : {}),
      },
    };
  }
  const { ts, ...data } = fields;
  return { kind, id, type, ts: iso(ts, now), data };
}
