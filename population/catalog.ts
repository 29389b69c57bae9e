/**
 * The demo estate the seed writes: one portfolio of four industrial sites (seed 001) with meters of every
 * category, a dozen plants (seed 000), VENs with their loads and an ADR program (seed 002). The sites'
 * equipment is in `catalog_equipment.ts`. Plain data: the populate steps turn it into rows with stable ids.
 * @module
 */

/** A site of the portfolio. */
export interface SiteDef {
  name: string;
  industry: "biotech" | "datacenter" | "logistics" | "manufacturing";
  location: string;
  lat: number;
  lon: number;
  timezone: string;
}

/** A meter of a site. */
export interface MeterDef {
  site: string;
  name: string;
  category: "CONS" | "PROD" | "INJ" | "STOR";
  frequency: "1min" | "5min" | "15min" | "hourly" | "daily";
  /** Typical power in kW (the simulator and series scale around it). */
  typicalKw: number;
}

/** A plant of seed 000. */
export interface PlantDef {
  name: string;
  type: "solar" | "wind" | "battery" | "hydro" | "chp" | "gas_peaker";
  capacityMw: number;
  status: "online" | "maintenance";
  lat: number;
  lon: number;
  site?: string;
}

/** A VEN and its loads. */
export interface VenDef {
  name: string;
  display: string;
  site: string;
  groups: string[];
  loads: { id: string; type: string; name: string; capacityKw: number; shedKw: number }[];
}

export const PORTFOLIO = {
  name: "Northwind Industrial Portfolio",
  description: "Energy-intensive sites of Northwind Group in the Rhine corridor",
};

export const SITES: SiteDef[] = [
  {
    name: "Helix Biotech Campus",
    industry: "biotech",
    location: "Basel, CH",
    lat: 47.5596,
    lon: 7.5886,
    timezone: "Europe/Zurich",
  },
  {
    name: "Aurora Datacenter FRA-2",
    industry: "datacenter",
    location: "Frankfurt am Main, DE",
    lat: 50.1109,
    lon: 8.6821,
    timezone: "Europe/Berlin",
  },
  {
    name: "Rhine Logistics Hub",
    industry: "logistics",
    location: "Duisburg, DE",
    lat: 51.4344,
    lon: 6.7623,
    timezone: "Europe/Berlin",
  },
  {
    name: "Meridian Manufacturing Plant",
    industry: "manufacturing",
    location: "Lyon, FR",
    lat: 45.764,
    lon: 4.8357,
    timezone: "Europe/Paris",
  },
];

/** The sites by role, for the other catalog files. */
export const [HELIX, AURORA, RHINE, MERIDIAN] = SITES.map((s) => s.name);

export const METERS: MeterDef[] = [
  { site: HELIX, name: "Main Incomer", category: "CONS", frequency: "5min", typicalKw: 1800 },
  { site: HELIX, name: "Rooftop PV", category: "PROD", frequency: "15min", typicalKw: 300 },
  { site: HELIX, name: "Grid Export", category: "INJ", frequency: "15min", typicalKw: 60 },
  { site: HELIX, name: "Lab Battery", category: "STOR", frequency: "5min", typicalKw: 120 },
  { site: AURORA, name: "Data Hall A", category: "CONS", frequency: "1min", typicalKw: 1500 },
  { site: AURORA, name: "Data Hall B", category: "CONS", frequency: "1min", typicalKw: 1200 },
  { site: AURORA, name: "Backup Generators", category: "PROD", frequency: "hourly", typicalKw: 40 },
  { site: AURORA, name: "Grid Export", category: "INJ", frequency: "hourly", typicalKw: 20 },
  { site: AURORA, name: "UPS Battery", category: "STOR", frequency: "5min", typicalKw: 200 },
  { site: RHINE, name: "Warehouse Main", category: "CONS", frequency: "15min", typicalKw: 900 },
  { site: RHINE, name: "EV Depot", category: "CONS", frequency: "5min", typicalKw: 350 },
  { site: RHINE, name: "Roof PV", category: "PROD", frequency: "15min", typicalKw: 500 },
  { site: RHINE, name: "Grid Export", category: "INJ", frequency: "hourly", typicalKw: 150 },
  { site: MERIDIAN, name: "Press Line", category: "CONS", frequency: "1min", typicalKw: 1400 },
  { site: MERIDIAN, name: "Compressed Air", category: "CONS", frequency: "daily", typicalKw: 300 },
  { site: MERIDIAN, name: "CHP Unit", category: "PROD", frequency: "5min", typicalKw: 900 },
  { site: MERIDIAN, name: "Site Battery", category: "STOR", frequency: "15min", typicalKw: 250 },
  { site: MERIDIAN, name: "Grid Export", category: "INJ", frequency: "15min", typicalKw: 100 },
];

export const PLANTS: PlantDef[] = [
  { name: "Helios Solar Park", type: "solar", capacityMw: 48, status: "online", lat: 49.01, lon: 8.4 },
  { name: "Sunfield PV Array", type: "solar", capacityMw: 22, status: "online", lat: 48.14, lon: 11.58 },
  { name: "North Sea Wind Farm", type: "wind", capacityMw: 120, status: "online", lat: 54.3, lon: 7.1 },
  { name: "Ridge Wind Park", type: "wind", capacityMw: 36, status: "online", lat: 50.55, lon: 9.68 },
  { name: "Gridstore Battery", type: "battery", capacityMw: 40, status: "online", lat: 51.34, lon: 12.37 },
  { name: "Valley Storage", type: "battery", capacityMw: 20, status: "online", lat: 47.99, lon: 7.85 },
  { name: "Alpine Hydro", type: "hydro", capacityMw: 65, status: "online", lat: 47.27, lon: 11.39 },
  { name: "River Run Hydro", type: "hydro", capacityMw: 18, status: "online", lat: 48.57, lon: 13.43 },
  {
    name: "Meridian CHP",
    type: "chp",
    capacityMw: 12,
    status: "online",
    lat: 45.76,
    lon: 4.84,
    site: MERIDIAN,
  },
  { name: "Campus CHP", type: "chp", capacityMw: 6, status: "online", lat: 47.56, lon: 7.59, site: HELIX },
  { name: "Peaker Unit 1", type: "gas_peaker", capacityMw: 80, status: "online", lat: 50.94, lon: 6.96 },
  { name: "Peaker Unit 2", type: "gas_peaker", capacityMw: 80, status: "maintenance", lat: 50.94, lon: 6.97 },
];

export const VENS: VenDef[] = [
  {
    name: "ven-helix-hvac",
    display: "Helix campus HVAC",
    site: HELIX,
    groups: ["campus", "hvac"],
    loads: [
      { id: "ahu-lab-wing", type: "hvac", name: "AHU Lab Wing", capacityKw: 150, shedKw: 45 },
      { id: "chiller-2", type: "chiller", name: "Chiller 2", capacityKw: 350, shedKw: 110 },
      { id: "lab-lighting", type: "lighting", name: "Lab Lighting", capacityKw: 80, shedKw: 25 },
    ],
  },
  {
    name: "ven-helix-labs",
    display: "Helix freezer farm",
    site: HELIX,
    groups: ["campus"],
    loads: [
      { id: "freezer-farm", type: "refrigeration", name: "-80 °C freezer farm", capacityKw: 90, shedKw: 10 },
      { id: "lab-exhaust", type: "hvac", name: "Lab exhaust fans", capacityKw: 110, shedKw: 20 },
    ],
  },
  {
    name: "ven-aurora-cooling",
    display: "Aurora FRA-2 cooling and UPS",
    site: AURORA,
    groups: ["datacenter"],
    loads: [
      { id: "crah-row-1", type: "hvac", name: "CRAH Row 1", capacityKw: 120, shedKw: 25 },
      { id: "ups-battery", type: "battery", name: "UPS battery discharge", capacityKw: 500, shedKw: 300 },
    ],
  },
  {
    name: "ven-rhine-coldstore",
    display: "Rhine hub cold store",
    site: RHINE,
    groups: ["logistics"],
    loads: [
      { id: "cold-store", type: "refrigeration", name: "Cold Store", capacityKw: 260, shedKw: 80 },
      { id: "warehouse-lighting", type: "lighting", name: "Warehouse Lighting", capacityKw: 110, shedKw: 40 },
    ],
  },
  {
    name: "ven-rhine-ev",
    display: "Rhine hub EV depot",
    site: RHINE,
    groups: ["logistics", "ev"],
    loads: [
      { id: "charger-bay-1", type: "ev_charger", name: "Charger Bay 1", capacityKw: 300, shedKw: 200 },
      { id: "charger-bay-2", type: "ev_charger", name: "Charger Bay 2", capacityKw: 300, shedKw: 200 },
    ],
  },
  {
    name: "ven-meridian-press",
    display: "Meridian press line",
    site: MERIDIAN,
    groups: ["manufacturing"],
    loads: [
      { id: "press-line", type: "machinery", name: "Hydraulic Press Line", capacityKw: 1200, shedKw: 150 },
      {
        id: "air-compressors",
        type: "compressor",
        name: "Air Compressor Station",
        capacityKw: 320,
        shedKw: 90,
      },
    ],
  },
];

/** The VEN that drops offline for a while in the seeded day (and raises a System alert). */
export const OFFLINE_VEN = "ven-meridian-press";

export const ADR_PROGRAM = {
  name: "Rhine Peak Shed 2026",
  longName: "Rhine corridor summer and winter peak load shedding",
  type: "load_shed",
  retailer: "Rheinland Energie Vertrieb",
  payloadDescriptors: [
    { payloadType: "SIMPLE", units: null, description: "shed level 0-3" },
    { payloadType: "IMPORT_CAPACITY_LIMIT", units: "KW" },
  ],
};
