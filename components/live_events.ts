/**
 * Change events as the islands use them. `/api/stream` relays what is published on the cache's change
 * channel; the API documents events as `{kind, id, type, ts, entityKind?, entityId?, data?}`, while the
 * actor runtime publishes flat ones (`{type: "reading", kind: "plant", id, ts: epoch ms, value}`,
 * `{type: "alert", kind, id, action, alert}`). Both are read here, into one shape, so an island never
 * depends on which producer spoke.
 * @module
 */

/** A plant reading. */
export interface LiveReading {
  type: "reading";
  plantId: string;
  /** Epoch ms. */
  ts: number;
  value: number;
  metric: string;
}

/** An alert as the live pages show it. */
export interface LiveAlertRow {
  id: string;
  entityKind: string;
  entityId: string;
  plantId: string | null;
  type: string;
  severity: string;
  message: string;
  /** Epoch ms. */
  ts: number;
  value: number | null;
  state: "open" | "acknowledged" | "resolved";
}

/** An alert opened, seen again, acknowledged or resolved. */
export interface LiveAlert {
  type: "alert";
  action: "opened" | "updated" | "acknowledged" | "resolved";
  alert: LiveAlertRow;
}

/** Any other state change of an actor (a VEN's, a site's, a plant's status). */
export interface LiveState {
  type: "state";
  kind: string;
  id: string;
}

/** A change event, read. */
export type LiveEvent = LiveReading | LiveAlert | LiveState;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** Epoch ms from epoch ms, a `Date` or an ISO string. */
export function toMs(v: unknown): number | undefined {
  if (v instanceof Date) v = v.getTime();
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v !== "string") return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

const ACTIONS = ["opened", "updated", "acknowledged", "resolved"] as const;

/** An alert row from an API alert, an alert event's `data`, or the runtime's `alert`. */
export function alertRow(raw: unknown, entity?: { kind?: string; id?: string }): LiveAlertRow | undefined {
  if (!isObject(raw)) return undefined;
  const id = str(raw.id);
  const ts = toMs(raw.ts);
  if (!id || ts === undefined) return undefined;
  const entityKind = str(raw.entityKind) ?? entity?.kind ?? "plant";
  const entityId = str(raw.entityId) ?? entity?.id ?? "";
  const state = raw.resolvedAt
    ? "resolved"
    : raw.acknowledgedAt || raw.acknowledged === true
    ? "acknowledged"
    : "open";
  return {
    id,
    entityKind,
    entityId,
    plantId: str(raw.plantId) ?? (entityKind === "plant" ? entityId : null),
    type: str(raw.type) ?? "System",
    severity: str(raw.severity) ?? "warning",
    message: str(raw.message) ?? "",
    ts,
    value: num(raw.value) ?? null,
    state: (str(raw.state) as LiveAlertRow["state"] | undefined) ?? state,
  };
}

function readAlert(raw: Json): LiveAlert | undefined {
  // API: {kind: "alert", type: "alert.opened", data: Alert}; runtime: {type: "alert", action, alert}
  const action = str(raw.action) ?? str(raw.type)?.replace(/^alert\./, "");
  if (!ACTIONS.includes(action as LiveAlert["action"])) return undefined;
  const entity = raw.kind === "alert"
    ? { kind: str(raw.entityKind), id: str(raw.entityId) }
    : { kind: str(raw.kind), id: str(raw.id) };
  const alert = alertRow(raw.alert ?? raw.data, entity);
  if (!alert) return undefined;
  if (action === "resolved") alert.state = "resolved";
  if (action === "acknowledged") alert.state = "acknowledged";
  return { type: "alert", action: action as LiveAlert["action"], alert };
}

function readReading(raw: Json): LiveReading | undefined {
  const data = isObject(raw.data) ? raw.data : raw;
  const value = num(data.value) ?? num(data.mw);
  const ts = toMs(data.ts) ?? toMs(raw.ts);
  const plantId = str(raw.id);
  if (value === undefined || ts === undefined || !plantId) return undefined;
  return { type: "reading", plantId, ts, value, metric: str(data.metric) ?? "power_mw" };
}

/** Reads a change event; undefined for anything the pages do not show. */
export function readEvent(raw: unknown): LiveEvent | undefined {
  if (!isObject(raw)) return undefined;
  if (raw.kind === "alert" || raw.type === "alert" || str(raw.type)?.startsWith("alert.")) {
    return readAlert(raw);
  }
  if (raw.kind === "plant" && raw.type === "reading") return readReading(raw);
  const kind = str(raw.kind);
  const id = str(raw.id);
  return kind && id ? { type: "state", kind, id } : undefined;
}
