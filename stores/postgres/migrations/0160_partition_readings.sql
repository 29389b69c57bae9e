-- The raw readings tables become tables partitioned by RANGE on ts, one partition per calendar month (UTC)
-- plus a DEFAULT partition: meter_readings, measurements, ven_telemetry, ven_load_samples, ven_statuses.
-- Retention then drops a month whose whole range is past RETENTION_RAW_DAYS instead of deleting its rows
-- one batch at a time (no WAL per row, no bloat left behind); only the month holding the cutoff is still
-- deleted row by row (stores/postgres/retention.ts).
--
-- Why a month: the default keeps data forever, so partitions pile up: a month gives 12 a year per table,
-- a day 365, and every query without a ts range (the catalogs' "has this entity any reading" probes, the
-- newest-first history lists) reads one index per partition. A month of 1-minute readings of thousands
-- of entities is still a table PostgreSQL handles well, and retentions are counted in weeks to months.
--
-- Each table keeps its columns, defaults, identity (the sequence goes on from where it was), CHECK
-- constraints, primary key (every one already includes ts, as a partitioned table's must), indexes and
-- foreign keys, with the same names; no foreign key references these tables and none has a comment.
-- ven_power_readings (migration 0040) is a view over ven_telemetry: dropped first, recreated identically.
--
-- Rows are copied straight into the month they belong to: this migration creates the partitions of the
-- months that hold rows. Partitions for the current and coming months, and for months whose rows reach the
-- DEFAULT partition later (a device's clock, the seed's history), are made at start and hourly by
-- stores/postgres/partitions.ts, which names them the same way: {table}_pYYYY_MM, {table}_default.
-- Indexes and foreign keys are added after the copy (one build and one check per table, not per row).
--
-- The old tables are renamed and kept until their rows are copied, so every constraint of the new ones is
-- named explicitly, as PostgreSQL named the old ones: it would otherwise add a 1 to each name the old table
-- still holds. That includes NOT NULL, which PostgreSQL 18 (the embedded PGlite) records as a named
-- constraint; PostgreSQL 15 ignores those names.

DROP VIEW ven_power_readings;

ALTER TABLE meter_readings RENAME TO meter_readings_unpartitioned;
ALTER INDEX meter_readings_pkey RENAME TO meter_readings_unpartitioned_pkey;
ALTER INDEX meter_readings_ts RENAME TO meter_readings_unpartitioned_ts;
ALTER SEQUENCE meter_readings_id_seq RENAME TO meter_readings_unpartitioned_id_seq;
CREATE TABLE meter_readings (
  id          bigint CONSTRAINT meter_readings_id_not_null NOT NULL GENERATED ALWAYS AS IDENTITY,
  plant_id    uuid CONSTRAINT meter_readings_plant_id_not_null NOT NULL,
  ts          timestamptz CONSTRAINT meter_readings_ts_not_null NOT NULL,
  value       double precision CONSTRAINT meter_readings_value_not_null NOT NULL,
  metric_type text CONSTRAINT meter_readings_metric_type_not_null NOT NULL DEFAULT 'power_mw',
  received_at timestamptz CONSTRAINT meter_readings_received_at_not_null NOT NULL DEFAULT now()
) PARTITION BY RANGE (ts);

ALTER TABLE measurements RENAME TO measurements_unpartitioned;
ALTER INDEX measurements_pkey RENAME TO measurements_unpartitioned_pkey;
ALTER INDEX measurements_ts_brin RENAME TO measurements_unpartitioned_ts_brin;
ALTER INDEX measurements_site_ts RENAME TO measurements_unpartitioned_site_ts;
ALTER SEQUENCE measurements_id_seq RENAME TO measurements_unpartitioned_id_seq;
CREATE TABLE measurements (
  id          bigint CONSTRAINT measurements_id_not_null NOT NULL GENERATED ALWAYS AS IDENTITY,
  entity_type text CONSTRAINT measurements_entity_type_not_null NOT NULL
                CONSTRAINT measurements_entity_type_check CHECK (entity_type IN ('meter', 'asset', 'energy_source')),
  entity_id   uuid CONSTRAINT measurements_entity_id_not_null NOT NULL,
  site_id     uuid CONSTRAINT measurements_site_id_not_null NOT NULL,
  ts          timestamptz CONSTRAINT measurements_ts_not_null NOT NULL,
  metric      text CONSTRAINT measurements_metric_not_null NOT NULL
                CONSTRAINT measurements_metric_check CHECK (metric IN
                ('power', 'energy', 'voltage', 'current', 'power_factor', 'frequency', 'temperature', 'state_of_charge')),
  value       double precision CONSTRAINT measurements_value_not_null NOT NULL,
  unit        text CONSTRAINT measurements_unit_not_null NOT NULL,
  quality     quality_enum CONSTRAINT measurements_quality_not_null NOT NULL DEFAULT 'good',
  received_at timestamptz CONSTRAINT measurements_received_at_not_null NOT NULL DEFAULT now()
) PARTITION BY RANGE (ts);

ALTER TABLE ven_telemetry RENAME TO ven_telemetry_unpartitioned;
ALTER INDEX ven_telemetry_pkey RENAME TO ven_telemetry_unpartitioned_pkey;
ALTER INDEX ven_telemetry_ts_brin RENAME TO ven_telemetry_unpartitioned_ts_brin;
ALTER SEQUENCE ven_telemetry_id_seq RENAME TO ven_telemetry_unpartitioned_id_seq;
CREATE TABLE ven_telemetry (
  id            bigint CONSTRAINT ven_telemetry_id_not_null NOT NULL GENERATED ALWAYS AS IDENTITY,
  ven_id        uuid CONSTRAINT ven_telemetry_ven_id_not_null NOT NULL,
  ts            timestamptz CONSTRAINT ven_telemetry_ts_not_null NOT NULL,
  used_power_kw double precision CONSTRAINT ven_telemetry_used_power_kw_not_null NOT NULL,
  shed_power_kw double precision CONSTRAINT ven_telemetry_shed_power_kw_not_null NOT NULL,
  raw           jsonb CONSTRAINT ven_telemetry_raw_not_null NOT NULL,
  created_at    timestamptz CONSTRAINT ven_telemetry_created_at_not_null NOT NULL DEFAULT now()
) PARTITION BY RANGE (ts);

ALTER TABLE ven_load_samples RENAME TO ven_load_samples_unpartitioned;
ALTER INDEX ven_load_samples_pkey RENAME TO ven_load_samples_unpartitioned_pkey;
ALTER INDEX ven_load_samples_ts_brin RENAME TO ven_load_samples_unpartitioned_ts_brin;
ALTER SEQUENCE ven_load_samples_id_seq RENAME TO ven_load_samples_unpartitioned_id_seq;
CREATE TABLE ven_load_samples (
  id              bigint CONSTRAINT ven_load_samples_id_not_null NOT NULL GENERATED ALWAYS AS IDENTITY,
  ven_id          uuid CONSTRAINT ven_load_samples_ven_id_not_null NOT NULL,
  ts              timestamptz CONSTRAINT ven_load_samples_ts_not_null NOT NULL,
  load_id         text CONSTRAINT ven_load_samples_load_id_not_null NOT NULL,
  load_type       text CONSTRAINT ven_load_samples_load_type_not_null NOT NULL,
  used_kw         double precision CONSTRAINT ven_load_samples_used_kw_not_null NOT NULL,
  shed_capable_kw double precision CONSTRAINT ven_load_samples_shed_capable_kw_not_null NOT NULL,
  capacity_kw     double precision,
  created_at      timestamptz CONSTRAINT ven_load_samples_created_at_not_null NOT NULL DEFAULT now()
) PARTITION BY RANGE (ts);

ALTER TABLE ven_statuses RENAME TO ven_statuses_unpartitioned;
ALTER INDEX ven_statuses_pkey RENAME TO ven_statuses_unpartitioned_pkey;
ALTER SEQUENCE ven_statuses_id_seq RENAME TO ven_statuses_unpartitioned_id_seq;
CREATE TABLE ven_statuses (
  id         bigint CONSTRAINT ven_statuses_id_not_null NOT NULL GENERATED ALWAYS AS IDENTITY,
  ven_id     uuid CONSTRAINT ven_statuses_ven_id_not_null NOT NULL,
  ts         timestamptz CONSTRAINT ven_statuses_ts_not_null NOT NULL,
  status     text CONSTRAINT ven_statuses_status_not_null NOT NULL
               CONSTRAINT ven_statuses_status_check CHECK (status IN ('online', 'offline')),
  -- 'device' when the VEN reported it, 'detector' when GridPulse inferred it from silence
  source     text CONSTRAINT ven_statuses_source_not_null NOT NULL DEFAULT 'device'
               CONSTRAINT ven_statuses_source_check CHECK (source IN ('device', 'detector')),
  details    jsonb CONSTRAINT ven_statuses_details_not_null NOT NULL DEFAULT '{}',
  created_at timestamptz CONSTRAINT ven_statuses_created_at_not_null NOT NULL DEFAULT now()
) PARTITION BY RANGE (ts);

-- A DEFAULT partition per table, a partition per month (UTC) holding rows, the rows with their ids, and
-- each identity sequence set to where the old one was.
DO $$
DECLARE
  t text;
  month timestamp;
BEGIN
  FOREACH t IN ARRAY
    ARRAY['meter_readings', 'measurements', 'ven_telemetry', 'ven_load_samples', 'ven_statuses']
  LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', t || '_default', t);
    FOR month IN EXECUTE format(
      'SELECT DISTINCT date_trunc(''month'', ts AT TIME ZONE ''UTC'') FROM %I', t || '_unpartitioned')
    LOOP
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
        t || to_char(month, '"_p"YYYY_MM'), t,
        to_char(month, 'YYYY-MM-DD HH24:MI:SS"+00"'),
        to_char(month + interval '1 month', 'YYYY-MM-DD HH24:MI:SS"+00"'));
    END LOOP;
    EXECUTE format('INSERT INTO %I OVERRIDING SYSTEM VALUE SELECT * FROM %I', t, t || '_unpartitioned');
    EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), last_value, is_called) FROM %I',
      t, t || '_unpartitioned_id_seq');
  END LOOP;
END
$$;

ALTER TABLE meter_readings ADD CONSTRAINT meter_readings_pkey PRIMARY KEY (plant_id, metric_type, ts);
CREATE INDEX meter_readings_ts ON meter_readings (ts);
ALTER TABLE meter_readings
  ADD CONSTRAINT meter_readings_plant_id_fkey FOREIGN KEY (plant_id) REFERENCES plants (id) ON DELETE CASCADE;
DROP TABLE meter_readings_unpartitioned;

ALTER TABLE measurements ADD CONSTRAINT measurements_pkey PRIMARY KEY (entity_id, metric, ts);
CREATE INDEX measurements_ts_brin ON measurements USING brin (ts) WITH (pages_per_range = 32);
CREATE INDEX measurements_site_ts ON measurements (site_id, ts DESC);
ALTER TABLE measurements
  ADD CONSTRAINT measurements_site_id_fkey FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE CASCADE;
DROP TABLE measurements_unpartitioned;

ALTER TABLE ven_telemetry ADD CONSTRAINT ven_telemetry_pkey PRIMARY KEY (ven_id, ts);
CREATE INDEX ven_telemetry_ts_brin ON ven_telemetry USING brin (ts) WITH (pages_per_range = 32);
ALTER TABLE ven_telemetry
  ADD CONSTRAINT ven_telemetry_ven_id_fkey FOREIGN KEY (ven_id) REFERENCES vens (id) ON DELETE CASCADE;
DROP TABLE ven_telemetry_unpartitioned;

ALTER TABLE ven_load_samples ADD CONSTRAINT ven_load_samples_pkey PRIMARY KEY (ven_id, load_id, ts);
CREATE INDEX ven_load_samples_ts_brin ON ven_load_samples USING brin (ts) WITH (pages_per_range = 32);
ALTER TABLE ven_load_samples
  ADD CONSTRAINT ven_load_samples_ven_id_fkey FOREIGN KEY (ven_id) REFERENCES vens (id) ON DELETE CASCADE;
DROP TABLE ven_load_samples_unpartitioned;

ALTER TABLE ven_statuses ADD CONSTRAINT ven_statuses_pkey PRIMARY KEY (ven_id, ts, status);
ALTER TABLE ven_statuses
  ADD CONSTRAINT ven_statuses_ven_id_fkey FOREIGN KEY (ven_id) REFERENCES vens (id) ON DELETE CASCADE;
DROP TABLE ven_statuses_unpartitioned;

-- As migration 0040 made it.
CREATE VIEW ven_power_readings AS
  SELECT ven_id, 'used_power_kw'::text AS metric, ts, used_power_kw AS value FROM ven_telemetry
  UNION ALL
  SELECT ven_id, 'shed_power_kw'::text AS metric, ts, shed_power_kw AS value FROM ven_telemetry;
