/**
 * The entities the simulator plays, read from the database: every active plant, VEN (with its loads) and
 * site meter, asset and energy source, by the ids the actors subscribe to.
 * @module
 */
import type { Sql } from "../stores/postgres/client.ts";
import type { PlantDef } from "./catalog.ts";
import type { SimEquipment, SimMeter, SimPlant, SimVen } from "./sim_behaviour.ts";

const PLANT_TYPES = new Set(["solar", "wind", "battery", "hydro", "chp", "gas_peaker"]);

/** Loads the simulated entities with fresh state. */
export async function loadEntities(
  sql: Sql,
): Promise<{ plants: SimPlant[]; vens: SimVen[]; meters: SimMeter[]; equipment: SimEquipment[] }> {
  const plants = await sql<
    { id: string; name: string; asset_type: string; capacity_mw: number; status: string }[]
  >`
    select id, name, asset_type, capacity_mw, status from plants
    where active and status <> 'decommissioned' order by name`;
  const vens = await sql<
    {
      id: string;
      ven_name: string;
      loads: { loadId: string; type: string; capacityKw: number; shedKw: number }[];
    }[]
  >`
    select v.id, v.ven_name, coalesce(json_agg(json_build_object('loadId', l.load_id, 'type', l.load_type,
      'capacityKw', coalesce(l.capacity_kw, 100), 'shedKw', coalesce(l.shed_capable_kw, 0)) order by l.load_id)
      filter (where l.id is not null), '[]') as loads
    from vens v left join ven_loads l on l.ven_id = v.id where v.active group by v.id, v.ven_name order by v.ven_name`;
  const meters = await sql<{ id: string; site_id: string; category: string; typical: string | null }[]>`
    select id, site_id, category::text as category, metadata ->> 'typicalKw' as typical from meters
    where active order by site_id, name`;
  const equipment = await sql<
    { id: string; site_id: string; entity_type: string; type: string; kw: number }[]
  >`
    select id, site_id, 'asset' as entity_type, asset_type as type, coalesce(rated_power_kw, 50) as kw
    from assets where active
    union all
    select id, site_id, 'energy_source', source_type, capacity_kw from energy_sources where active
    order by site_id, id`;
  return {
    plants: plants.map((p) => ({
      id: p.id,
      name: p.name,
      // other asset types (generator, storage, other) behave like the closest profile
      type:
        (PLANT_TYPES.has(p.asset_type)
          ? p.asset_type
          : p.asset_type === "storage"
          ? "battery"
          : "chp") as PlantDef["type"],
      capacityMw: p.capacity_mw,
      idle: p.status !== "online",
      silentUntil: 0,
      breachLeft: 0,
      wind: { wind: 0.5 },
    })),
    vens: vens.map((v) => ({
      id: v.id,
      name: v.ven_name,
      loads: v.loads,
      offlineUntil: 0,
      silentUntil: 0,
      events: new Map(),
    })),
    meters: meters.map((m) => ({
      id: m.id,
      siteId: m.site_id,
      category: m.category as SimMeter["category"],
      typicalKw: Number(m.typical ?? 100) || 100,
      silentUntil: 0,
    })),
    equipment: equipment.map((e) => ({
      id: e.id,
      siteId: e.site_id,
      entityType: e.entity_type as SimEquipment["entityType"],
      type: e.type,
      ratedKw: e.kw,
    })),
  };
}
