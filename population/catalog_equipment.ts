/**
 * The equipment of the demo sites (seed 001): an asset tree, asset connections with every relationship and
 * direction, energy sources of every type with capacity and carbon intensity, grid links with their
 * tariffs, and recommendations. Plain data, by site and natural names.
 * @module
 */
import { AURORA, HELIX, MERIDIAN, RHINE } from "./catalog.ts";

/** An asset; `parent` names another asset of the same site. */
export interface AssetDef {
  site: string;
  meter: string;
  name: string;
  type: string;
  ratedKw: number;
  parent?: string;
}

export const ASSETS: AssetDef[] = [
  { site: HELIX, meter: "Main Incomer", name: "HVAC Central Plant", type: "hvac", ratedKw: 900 },
  {
    site: HELIX,
    meter: "Main Incomer",
    name: "Chiller 1",
    type: "chiller",
    ratedKw: 350,
    parent: "HVAC Central Plant",
  },
  {
    site: HELIX,
    meter: "Main Incomer",
    name: "Chiller 2",
    type: "chiller",
    ratedKw: 350,
    parent: "HVAC Central Plant",
  },
  {
    site: HELIX,
    meter: "Main Incomer",
    name: "AHU Lab Wing",
    type: "hvac",
    ratedKw: 150,
    parent: "HVAC Central Plant",
  },
  { site: HELIX, meter: "Main Incomer", name: "Cleanroom Compressors", type: "compressor", ratedKw: 220 },
  { site: HELIX, meter: "Main Incomer", name: "Lab Lighting", type: "lighting", ratedKw: 80 },
  { site: AURORA, meter: "Data Hall A", name: "Cooling Loop", type: "chiller", ratedKw: 600 },
  {
    site: AURORA,
    meter: "Data Hall A",
    name: "CRAH Row 1",
    type: "hvac",
    ratedKw: 120,
    parent: "Cooling Loop",
  },
  {
    site: AURORA,
    meter: "Data Hall B",
    name: "CRAH Row 2",
    type: "hvac",
    ratedKw: 120,
    parent: "Cooling Loop",
  },
  { site: AURORA, meter: "Data Hall A", name: "Server Racks Hall A", type: "server_rack", ratedKw: 1100 },
  { site: AURORA, meter: "UPS Battery", name: "UPS System", type: "ups", ratedKw: 1500 },
  {
    site: AURORA,
    meter: "Data Hall B",
    name: "Chilled Water Pumps",
    type: "pump",
    ratedKw: 90,
    parent: "Cooling Loop",
  },
  { site: RHINE, meter: "Warehouse Main", name: "Cold Store", type: "refrigeration", ratedKw: 260 },
  { site: RHINE, meter: "Warehouse Main", name: "Conveyor Sorter", type: "conveyor", ratedKw: 180 },
  { site: RHINE, meter: "EV Depot", name: "EV Charging Park", type: "ev_charger", ratedKw: 600 },
  {
    site: RHINE,
    meter: "EV Depot",
    name: "Charger Bay 1",
    type: "ev_charger",
    ratedKw: 300,
    parent: "EV Charging Park",
  },
  {
    site: RHINE,
    meter: "EV Depot",
    name: "Charger Bay 2",
    type: "ev_charger",
    ratedKw: 300,
    parent: "EV Charging Park",
  },
  { site: RHINE, meter: "Warehouse Main", name: "Warehouse Lighting", type: "lighting", ratedKw: 110 },
  { site: MERIDIAN, meter: "Press Line", name: "Hydraulic Press Line", type: "machinery", ratedKw: 1200 },
  {
    site: MERIDIAN,
    meter: "Press Line",
    name: "Press 1",
    type: "machinery",
    ratedKw: 600,
    parent: "Hydraulic Press Line",
  },
  {
    site: MERIDIAN,
    meter: "Press Line",
    name: "Press 2",
    type: "machinery",
    ratedKw: 600,
    parent: "Hydraulic Press Line",
  },
  {
    site: MERIDIAN,
    meter: "Compressed Air",
    name: "Air Compressor Station",
    type: "compressor",
    ratedKw: 320,
  },
  { site: MERIDIAN, meter: "CHP Unit", name: "Process Boiler", type: "boiler", ratedKw: 800 },
  { site: MERIDIAN, meter: "Press Line", name: "Cooling Tower Pump", type: "pump", ratedKw: 75 },
];

/** [site, from asset, to asset, relationship, direction]: every relationship and direction appears. */
export const CONNECTIONS: [
  string,
  string,
  string,
  "energy_flow" | "data_flow" | "dependency",
  "in" | "out" | "bi",
][] = [
  [HELIX, "Chiller 1", "AHU Lab Wing", "energy_flow", "out"],
  [HELIX, "Chiller 2", "AHU Lab Wing", "energy_flow", "out"],
  [HELIX, "Cleanroom Compressors", "AHU Lab Wing", "dependency", "in"],
  [AURORA, "UPS System", "Server Racks Hall A", "energy_flow", "out"],
  [AURORA, "Server Racks Hall A", "CRAH Row 1", "data_flow", "bi"],
  [AURORA, "Chilled Water Pumps", "CRAH Row 2", "energy_flow", "bi"],
  [RHINE, "Conveyor Sorter", "Cold Store", "data_flow", "out"],
  [RHINE, "Charger Bay 1", "Charger Bay 2", "data_flow", "bi"],
  [MERIDIAN, "Air Compressor Station", "Press 1", "dependency", "out"],
  [MERIDIAN, "Process Boiler", "Hydraulic Press Line", "energy_flow", "in"],
  [MERIDIAN, "Cooling Tower Pump", "Air Compressor Station", "dependency", "bi"],
];

/** [site, meter, name, type, capacity kW, storage kWh, gCO2e/kWh]: every source type appears. */
export const ENERGY_SOURCES: [string, string | null, string, string, number, number | null, number][] = [
  [HELIX, "Rooftop PV", "Campus Rooftop PV", "solar", 450, null, 41],
  [HELIX, "Lab Battery", "Lab Battery Storage", "battery", 250, 500, 0],
  [HELIX, null, "Grid Supply Basel", "grid", 3000, null, 128],
  [AURORA, "Backup Generators", "Diesel Backup Gensets", "generator", 2000, null, 720],
  [AURORA, "UPS Battery", "UPS Lithium Strings", "battery", 1500, 400, 0],
  [AURORA, null, "Grid Supply Frankfurt", "grid", 4000, null, 381],
  [RHINE, "Roof PV", "Hub Roof PV", "solar", 800, null, 41],
  [RHINE, "Roof PV", "Quay Wind Turbine", "wind", 600, null, 11],
  [RHINE, null, "Grid Supply Duisburg", "grid", 2500, null, 381],
  [MERIDIAN, "CHP Unit", "Gas CHP Unit", "chp", 1200, null, 390],
  [MERIDIAN, "CHP Unit", "PEM Hydrogen Fuel Cell", "hydrogen", 200, null, 28],
  [MERIDIAN, "Site Battery", "Site Battery Storage", "battery", 500, 1000, 0],
  [MERIDIAN, null, "Grid Supply Lyon", "grid", 3500, null, 56],
];

/** A time-of-use tariff (EUR) for a grid link. */
export function tariff(peak: number, offPeak: number, feedIn: number | null, demandCharge: number) {
  return {
    type: "time_of_use",
    currency: "EUR",
    energy: [
      { from: "00:00", to: "07:00", eurPerKwh: offPeak },
      { from: "07:00", to: "20:00", eurPerKwh: peak },
      { from: "20:00", to: "24:00", eurPerKwh: offPeak },
    ],
    demandChargeEurPerKwMonth: demandCharge,
    ...(feedIn === null ? {} : { feedInEurPerKwh: feedIn }),
  };
}

/** [site, injection meter, name, direction, import kW, export kW, voltage, operator, tariff]. */
export const GRID_LINKS: [
  string,
  string | null,
  string,
  "in" | "out" | "bi",
  number,
  number | null,
  string,
  string,
  ReturnType<typeof tariff>,
][] = [
  [
    HELIX,
    "Grid Export",
    "Basel 20 kV feeder",
    "bi",
    3000,
    400,
    "MV 20 kV",
    "IWB",
    tariff(0.21, 0.13, 0.08, 11.2),
  ],
  [
    AURORA,
    null,
    "Frankfurt 110 kV substation",
    "in",
    8000,
    null,
    "HV 110 kV",
    "Mainova",
    tariff(0.19, 0.12, null, 14.8),
  ],
  [
    RHINE,
    "Grid Export",
    "Duisburg 10 kV ring",
    "bi",
    2500,
    900,
    "MV 10 kV",
    "Netze Duisburg",
    tariff(0.24, 0.15, 0.07, 9.6),
  ],
  [
    MERIDIAN,
    "Grid Export",
    "Lyon export point",
    "out",
    0,
    1200,
    "MV 20 kV",
    "Enedis",
    tariff(0.18, 0.11, 0.09, 10.4),
  ],
  [
    MERIDIAN,
    null,
    "Lyon 63 kV supply",
    "in",
    3500,
    null,
    "HV 63 kV",
    "Enedis",
    tariff(0.17, 0.1, null, 12.1),
  ],
];

/** [site, asset or null, title, type, priority, status, savings EUR/yr, investment EUR, tCO2e/yr]. */
export const RECOMMENDATIONS: [
  string,
  string | null,
  string,
  string,
  string,
  string,
  number,
  number,
  number,
][] = [
  [
    HELIX,
    "Chiller 1",
    "Raise chilled-water setpoint by 2 K outside lab hours",
    "efficiency",
    "high",
    "open",
    38_000,
    12_000,
    61,
  ],
  [
    HELIX,
    null,
    "Shift battery charging to the 00:00-07:00 tariff window",
    "tariff",
    "medium",
    "accepted",
    9_500,
    0,
    4,
  ],
  [
    AURORA,
    "Cooling Loop",
    "Free cooling below 12 °C outdoor temperature",
    "efficiency",
    "high",
    "implemented",
    112_000,
    85_000,
    340,
  ],
  [
    AURORA,
    "UPS System",
    "Offer UPS battery to the FCR market",
    "storage",
    "medium",
    "open",
    64_000,
    20_000,
    0,
  ],
  [
    RHINE,
    "EV Charging Park",
    "Smart charging: cap depot load during evening peak",
    "demand_response",
    "high",
    "open",
    27_000,
    15_000,
    18,
  ],
  [
    RHINE,
    null,
    "Extend roof PV over the new cross-dock (+350 kWp)",
    "renewable",
    "medium",
    "open",
    41_000,
    290_000,
    120,
  ],
  [
    MERIDIAN,
    "Air Compressor Station",
    "Fix compressed-air leaks (survey found 14)",
    "maintenance",
    "high",
    "accepted",
    22_000,
    6_000,
    35,
  ],
  [
    MERIDIAN,
    "Process Boiler",
    "Run CHP heat-led and trade the surplus intraday",
    "tariff",
    "low",
    "rejected",
    15_000,
    0,
    0,
  ],
];
