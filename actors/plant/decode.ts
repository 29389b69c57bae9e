/**
 * Decoding plant telemetry (`gridpulse/plants/{id}/telemetry`, domain/telemetry.ts `PlantTelemetry`).
 * The common payload (`{"ts": <epoch ms>, "mw": <number>}`, optionally `"metric"`) is checked by hand:
 * zod's full parse costs more than the rest of the actor's work per message. Anything else (ISO
 * timestamps, invalid payloads) goes through the zod schema, which stays the definition and writes the
 * rejection reasons; a property test holds the two to the same verdicts.
 * @module
 */
import { PlantTelemetry } from "../../domain/telemetry.ts";
import type { Decoded } from "../kind.ts";
import { parseJsonPayload } from "../payload.ts";

/** A decoded plant telemetry message. */
export interface PlantReading {
  type: "telemetry";
  ts: number;
  value: number;
  metric: string;
}

/** The bounds of domain/telemetry.ts `Timestamp` for epoch milliseconds. */
const MIN_TS = 946_684_800_000;
const MAX_TS = 4_102_444_800_000;
const METRIC = /^[a-z][a-z0-9_]{0,39}$/;
const DEFAULT_METRIC = "power_mw";

/** The common case without zod; `undefined` when the full schema must decide. */
export function quickReading(json: unknown): PlantReading | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const o = json as Record<string, unknown>;
  let keys = 0;
  for (const _ in o) keys++;
  const { ts, mw, metric } = o;
  if (typeof ts !== "number" || !Number.isInteger(ts) || ts < MIN_TS || ts > MAX_TS) return undefined;
  if (typeof mw !== "number" || !Number.isFinite(mw)) return undefined;
  if (metric === undefined) {
    if (keys !== 2 || !("ts" in o && "mw" in o)) return undefined;
    return { type: "telemetry", ts, value: mw, metric: DEFAULT_METRIC };
  }
  if (keys !== 3 || typeof metric !== "string" || !METRIC.test(metric)) return undefined;
  return { type: "telemetry", ts, value: mw, metric };
}

/** Decodes and validates one payload; a failure carries the reason for the dead letter. */
export function decodePlantTelemetry(payload: Uint8Array): Decoded<PlantReading> {
  const text = parseJsonPayload(payload);
  if (!text.ok) return text;
  const json = text.message;
  const quick = quickReading(json);
  if (quick) return { ok: true, message: quick };
  const parsed = PlantTelemetry.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((
      i,
    ) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
    return { ok: false, reason: `invalid payload: ${problems.join("; ")}` };
  }
  return {
    ok: true,
    message: { type: "telemetry", ts: parsed.data.ts, value: parsed.data.mw, metric: parsed.data.metric },
  };
}
