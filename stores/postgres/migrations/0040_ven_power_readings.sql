-- VEN panel power as (ven, metric, ts, value) rows: the VEN actors' rollups (series 'ven', metrics
-- used_power_kw and shed_power_kw) are recomputed from it when a bucket is inexact, as plant rollups are
-- from meter_readings and meter rollups from measurements. Filters on ven_id, metric and ts reach each
-- branch, so the lookup is an index range scan on ven_telemetry's primary key.
CREATE VIEW ven_power_readings AS
  SELECT ven_id, 'used_power_kw'::text AS metric, ts, used_power_kw AS value FROM ven_telemetry
  UNION ALL
  SELECT ven_id, 'shed_power_kw'::text AS metric, ts, shed_power_kw AS value FROM ven_telemetry;
