-- Seed 001: Portfolio > Sites > Meters > Assets / Energy Sources, grid links, recommendations, measurements.

CREATE TYPE industry_type_enum AS ENUM
  ('biotech', 'datacenter', 'logistics', 'manufacturing', 'retail', 'healthcare', 'education', 'office', 'other');
CREATE TYPE meter_category_enum AS ENUM ('CONS', 'PROD', 'INJ', 'STOR');
CREATE TYPE reading_frequency_enum AS ENUM ('1min', '5min', '15min', 'hourly', 'daily');
CREATE TYPE quality_enum AS ENUM ('good', 'bad', 'estimated');
CREATE TYPE direction_enum AS ENUM ('in', 'out', 'bi');
CREATE TYPE relationship_enum AS ENUM ('energy_flow', 'data_flow', 'dependency');

CREATE TABLE portfolios (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
  description text,
  metadata    jsonb NOT NULL DEFAULT '{}',
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sites (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  portfolio_id  uuid NOT NULL REFERENCES portfolios (id) ON DELETE CASCADE,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  industry_type industry_type_enum NOT NULL,
  location      text,
  latitude      double precision,
  longitude     double precision,
  timezone      text NOT NULL DEFAULT 'UTC',
  metadata      jsonb NOT NULL DEFAULT '{}',
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (portfolio_id, name)
);
CREATE INDEX sites_portfolio ON sites (portfolio_id);

ALTER TABLE plants ADD CONSTRAINT plants_site_fk FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE SET NULL;
ALTER TABLE flexibility_offers
  ADD CONSTRAINT flexibility_offers_site_fk FOREIGN KEY (site_id) REFERENCES sites (id) ON DELETE CASCADE;

CREATE TABLE meters (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  site_id           uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  category          meter_category_enum NOT NULL,
  reading_frequency reading_frequency_enum NOT NULL DEFAULT '1min',
  unit              text NOT NULL DEFAULT 'kW',
  serial_number     text,
  detection         jsonb NOT NULL DEFAULT '{}',
  metadata          jsonb NOT NULL DEFAULT '{}',
  active            boolean NOT NULL DEFAULT true,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (site_id, name)
);
CREATE INDEX meters_site ON meters (site_id);

CREATE TABLE assets (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  site_id        uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  meter_id       uuid REFERENCES meters (id) ON DELETE CASCADE,
  parent_id      uuid REFERENCES assets (id) ON DELETE CASCADE,
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  asset_type     text NOT NULL CHECK (asset_type IN
                   ('compressor', 'chiller', 'hvac', 'lighting', 'machinery', 'pump', 'boiler', 'conveyor',
                    'server_rack', 'ups', 'ev_charger', 'refrigeration', 'other')),
  rated_power_kw double precision CHECK (rated_power_kw IS NULL OR rated_power_kw >= 0),
  manufacturer   text,
  model          text,
  metadata       jsonb NOT NULL DEFAULT '{}',
  active         boolean NOT NULL DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX assets_site ON assets (site_id);
CREATE INDEX assets_meter ON assets (meter_id);
CREATE INDEX assets_parent ON assets (parent_id);

CREATE TABLE asset_connections (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  from_asset_id uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  to_asset_id   uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
  relationship  relationship_enum NOT NULL,
  direction     direction_enum NOT NULL DEFAULT 'out',
  metadata      jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (from_asset_id, to_asset_id, relationship),
  CHECK (from_asset_id <> to_asset_id)
);
CREATE INDEX asset_connections_to ON asset_connections (to_asset_id);

CREATE TABLE energy_sources (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  site_id              uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  meter_id             uuid REFERENCES meters (id) ON DELETE CASCADE,
  name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  source_type          text NOT NULL CHECK (source_type IN
                         ('solar', 'wind', 'battery', 'generator', 'chp', 'hydrogen', 'grid')),
  capacity_kw          double precision NOT NULL CHECK (capacity_kw >= 0),
  storage_capacity_kwh double precision CHECK (storage_capacity_kwh IS NULL OR storage_capacity_kwh >= 0),
  carbon_intensity     double precision NOT NULL DEFAULT 0 CHECK (carbon_intensity >= 0), -- gCO2e/kWh
  commissioned_at      timestamptz,
  metadata             jsonb NOT NULL DEFAULT '{}',
  active               boolean NOT NULL DEFAULT true,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX energy_sources_site ON energy_sources (site_id);
CREATE INDEX energy_sources_meter ON energy_sources (meter_id);

CREATE TABLE grid_links (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  site_id             uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  meter_id            uuid REFERENCES meters (id) ON DELETE SET NULL,
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  direction           direction_enum NOT NULL,
  import_capacity_kw  double precision CHECK (import_capacity_kw IS NULL OR import_capacity_kw >= 0),
  export_capacity_kw  double precision CHECK (export_capacity_kw IS NULL OR export_capacity_kw >= 0),
  voltage_level       text,
  operator            text,
  tariff              jsonb NOT NULL DEFAULT '{}',
  metadata            jsonb NOT NULL DEFAULT '{}',
  active              boolean NOT NULL DEFAULT true,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX grid_links_site ON grid_links (site_id);

CREATE TABLE recommendations (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  site_id                uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  asset_id               uuid REFERENCES assets (id) ON DELETE CASCADE,
  title                  text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  description            text NOT NULL DEFAULT '',
  recommendation_type    text NOT NULL CHECK (recommendation_type IN
                           ('efficiency', 'renewable', 'storage', 'demand_response', 'tariff', 'maintenance')),
  priority               text NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high')),
  status                 text NOT NULL DEFAULT 'open' CHECK (status IN
                           ('open', 'accepted', 'rejected', 'implemented')),
  estimated_savings_eur  double precision,
  investment_eur         double precision,
  roi_percent            double precision,
  payback_months         double precision,
  carbon_reduction_kg    double precision,
  metadata               jsonb NOT NULL DEFAULT '{}',
  active                 boolean NOT NULL DEFAULT true,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recommendations_site ON recommendations (site_id);

-- Time series for meters, assets and energy sources; same idempotency and indexing as meter_readings.
CREATE TABLE measurements (
  id          bigint GENERATED ALWAYS AS IDENTITY,
  entity_type text NOT NULL CHECK (entity_type IN ('meter', 'asset', 'energy_source')),
  entity_id   uuid NOT NULL,
  site_id     uuid NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
  ts          timestamptz NOT NULL,
  metric      text NOT NULL CHECK (metric IN
                ('power', 'energy', 'voltage', 'current', 'power_factor', 'frequency', 'temperature', 'state_of_charge')),
  value       double precision NOT NULL,
  unit        text NOT NULL,
  quality     quality_enum NOT NULL DEFAULT 'good',
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (entity_id, metric, ts)
);
CREATE INDEX measurements_ts_brin ON measurements USING brin (ts) WITH (pages_per_range = 32);
CREATE INDEX measurements_site_ts ON measurements (site_id, ts DESC);

ALTER TABLE alerts ADD COLUMN site_id uuid REFERENCES sites (id) ON DELETE CASCADE;
ALTER TABLE alerts ADD COLUMN meter_id uuid REFERENCES meters (id) ON DELETE CASCADE;
CREATE INDEX alerts_site_ts ON alerts (site_id, ts DESC);
