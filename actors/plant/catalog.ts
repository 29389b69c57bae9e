/**
 * The main-isolate half of the plant kind: which plants have actors (every active plant), their
 * configuration (row, `detection` JSONB, alert rules for the plant or for all plants), and the
 * `meter_readings` sink.
 * @module
 */
import { topics } from "../../domain/telemetry.ts";
import type { Sql } from "../../stores/postgres/client.ts";
import type { Catalog } from "../kind.ts";
import { type Sink, typedArray } from "../sink.ts";
import { idsWithoutReadings, type RollupSource } from "../sinks/rollups.ts";
import { appliesTo, configuredRule, loadAlertRules } from "../rule_rows.ts";
import { parseDetection, type PlantConfig } from "./config.ts";

/**
 * `meter_readings`: one multi-row insert per group commit; the primary key (plant, metric, ts) makes a
 * redelivered reading a no-op. Readings of a plant deleted meanwhile are skipped (its rows are gone too).
 */
export const meterReadingsSink: Sink = {
  name: "meter_readings",
  columns: ["plant_id", "metric_type", "ts", "value"],
  async write(tx, rows) {
    const result = await tx`
      insert into meter_readings (plant_id, metric_type, ts, value)
      select u.plant_id, u.metric_type, to_timestamp(u.ts / 1000.0), u.value
      from unnest(${typedArray(rows.plant_id, "uuid")}::uuid[], ${
      typedArray(rows.metric_type, "text")
    }::text[],
                  ${typedArray(rows.ts, "float8")}::float8[], ${typedArray(rows.value, "float8")}::float8[])
        as u(plant_id, metric_type, ts, value)
      where exists (select 1 from plants p where p.id = u.plant_id)
      on conflict do nothing`;
    return result.count;
  },
  series(rows, count) {
    const points = new Array(count);
    for (let i = 0; i < count; i++) {
      points[i] = {
        measurement: "meter_readings",
        tags: { plant_id: rows.plant_id[i] as string, metric: rows.metric_type[i] as string },
        fields: { value: rows.value[i] as number },
        ts: rows.ts[i] as number,
      };
    }
    return points;
  },
  seriesSource: {
    table: "meter_readings",
    columns: { plant_id: "plant_id", metric_type: "metric_type", value: "value" },
  },
};

/** Plant rollups are recomputed from `meter_readings`. */
export const plantRollupSource: RollupSource = {
  series: "plant",
  table: "meter_readings",
  entityColumn: "plant_id",
  metricColumn: "metric_type",
  tsColumn: "ts",
  valueColumn: "value",
};

interface PlantRow {
  id: string;
  name: string;
  capacity_mw: number;
  status: PlantConfig["status"];
  expected_interval_s: number;
  detection: unknown;
}

async function listIds(sql: Sql): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`select id from plants where active`;
  return rows.map((r) => r.id);
}

async function loadConfigs(sql: Sql, ids: string[]): Promise<Map<string, PlantConfig>> {
  const out = new Map<string, PlantConfig>();
  if (ids.length === 0) return out;
  const plants = await sql<PlantRow[]>`
    select id, name, capacity_mw, status, expected_interval_s, detection
    from plants where active and id = any(${typedArray(ids, "uuid")}::uuid[])`;
  const rules = await loadAlertRules(sql, "plant", ids);
  for (const p of plants) {
    const { detection, problems } = parseDetection(
      typeof p.detection === "string" ? JSON.parse(p.detection) : p.detection,
    );
    out.set(p.id, {
      name: p.name,
      capacityMw: p.capacity_mw,
      status: p.status,
      expectedIntervalS: p.expected_interval_s,
      detection,
      detectionProblems: problems.length ? problems : undefined,
      rules: rules.filter((r) => appliesTo(r, p.id)).map(configuredRule),
    });
  }
  return out;
}

/** The plant catalog. */
export const plantCatalog: Catalog<PlantConfig> = {
  kind: "plant",
  listIds,
  loadConfigs,
  sinks: [meterReadingsSink],
  wildcards: [topics.plantTelemetry("+")],
  withoutReadings: (sql, ids) => idsWithoutReadings(sql, plantRollupSource, ids),
};
