/**
 * VEN reads that join the registry (PostgreSQL) with the live state of the VEN actors (cache).
 * @module
 */
import type { z } from "zod";
import type { Services } from "../core/services.ts";
import type { VenLoad } from "../domain/ven.ts";
import type { Entity } from "../stores/postgres/repos/crud.ts";
import { venLoads } from "../stores/postgres/repos/vens.ts";
import { venStates } from "./live.ts";

/** Registry rows with their live state (null without one). */
export async function withLive(services: Services, rows: Entity[]): Promise<Entity[]> {
  const states = await venStates(services, rows.map((r) => r.id as string));
  return rows.map((row) => ({ ...row, live: states.get(row.id as string) ?? null }));
}

/** A VEN's loads: registered ones and those its last telemetry reported, with live values. */
export async function loadsOf(services: Services, venId: string): Promise<z.output<typeof VenLoad>[]> {
  const [registered, states] = await Promise.all([
    venLoads(services.sql, venId),
    venStates(services, [venId]),
  ]);
  const live = new Map((states.get(venId)?.loads ?? []).map((l) => [l.loadId, l]));
  const out = new Map<string, z.output<typeof VenLoad>>();
  for (const row of registered) {
    const now = live.get(row.loadId as string);
    out.set(row.loadId as string, {
      loadId: row.loadId as string,
      loadType: row.loadType as string,
      name: (row.name as string | null) ?? null,
      capacityKw: (row.capacityKw as number | null) ?? now?.capacityKw ?? null,
      shedCapableKw: now?.shedCapableKw ?? (row.shedCapableKw as number | null) ?? null,
      usedKw: now?.usedKw ?? null,
      live: now !== undefined,
    });
  }
  for (const [loadId, now] of live) {
    if (out.has(loadId)) continue;
    out.set(loadId, {
      loadId,
      loadType: now.type,
      name: null,
      capacityKw: now.capacityKw ?? null,
      shedCapableKw: now.shedCapableKw,
      usedKw: now.usedKw,
      live: true,
    });
  }
  return [...out.values()].sort((a, b) => a.loadId.localeCompare(b.loadId));
}
