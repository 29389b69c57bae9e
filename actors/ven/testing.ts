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

type Sql = import("../../stores/postgres/client.ts").Sql;

/** Inserts a VEN row; returns its id. */
export async function insertVen(
  sql: Sql,
  fields: { name?: string; groups?: string[]; expectedIntervalS?: number; detection?: unknown } = {},
): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into vens (ven_name, groups, expected_interval_s, detection)
    values (${fields.name ?? `ven-${crypto.randomUUID().slice(0, 8)}`}, ${fields.groups ?? []}::text[],
            ${fields.expectedIntervalS ?? 60}, ${sql.json((fields.detection ?? {}) as never)})
    returning id`;
  return row.id;
}

/** Inserts a program and an event for `venIds` (participation rows included); returns the event id. */
export async function insertAdrEvent(
  sql: Sql,
  venIds: string[],
  fields: { start?: Date; durationS?: number; status?: string } = {},
): Promise<string> {
  const [program] = await sql<{ id: string }[]>`
    insert into adr_programs (program_name) values (${`program-${crypto.randomUUID().slice(0, 8)}`})
    returning id`;
  const [event] = await sql<{ id: string }[]>`
    insert into adr_events (program_id, event_name, status, start_at, duration_s, intervals, targets)
    values (${program.id}, 'Test event', ${fields.status ?? "scheduled"},
            ${fields.start ?? new Date(Date.now() + 3_600_000)}, ${fields.durationS ?? 3_600},
            ${sql.json([{ id: 0, payloads: [{ type: "SIMPLE", values: [2] }] }] as never)},
            ${sql.json({ venIds, groups: [] } as never)})
    returning id`;
  for (const venId of venIds) {
    await sql`insert into adr_participation (event_id, ven_id) values (${event.id}, ${venId})`;
  }
  return event.id;
}
