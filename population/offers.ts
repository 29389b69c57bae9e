/**
 * Flexibility offers in every status, alert rules and the dispatch decisions that go with them; pure
 * functions of the window's end, the plants' ids and the id namespace.
 * @module
 */
import { stableId } from "./ids.ts";

const HOUR = 3_600_000;

/** A seeded flexibility offer. */
export interface OfferPlan {
  id: string;
  name: string;
  status: "draft" | "submitted" | "accepted" | "rejected" | "activated" | "expired" | "cancelled";
  plant: string;
  direction: "up" | "down";
  volumeMw: number;
  priceEurMwh: number;
  market: "day_ahead" | "intraday" | "balancing" | "fcr" | "afrr" | "mfrr";
  createdAt: number;
  deliveryStart: number;
  deliveryEnd: number;
}

/** Offers relative to `end`: past ones expired or activated, current ones accepted, future ones draft. */
export function offers(end: number, namespace: string): OfferPlan[] {
  const h = (n: number) => Math.floor(end / HOUR) * HOUR + n * HOUR;
  const o = (name: string, rest: Omit<OfferPlan, "id" | "name">): OfferPlan => ({
    id: stableId(namespace, "offer", name),
    name,
    ...rest,
  });
  return [
    o("Peaker 1 evening upward reserve", {
      status: "activated",
      plant: "Peaker Unit 1",
      direction: "up",
      volumeMw: 60,
      priceEurMwh: 142,
      market: "mfrr",
      createdAt: h(-30),
      deliveryStart: h(-7),
      deliveryEnd: h(-4),
    }),
    o("Gridstore evening discharge", {
      status: "activated",
      plant: "Gridstore Battery",
      direction: "up",
      volumeMw: 25,
      priceEurMwh: 118,
      market: "intraday",
      createdAt: h(-20),
      deliveryStart: h(-6),
      deliveryEnd: h(-3),
    }),
    o("Gridstore FCR band", {
      status: "accepted",
      plant: "Gridstore Battery",
      direction: "up",
      volumeMw: 10,
      priceEurMwh: 18,
      market: "fcr",
      createdAt: h(-12),
      deliveryStart: h(-1),
      deliveryEnd: h(3),
    }),
    o("Alpine Hydro aFRR down", {
      status: "accepted",
      plant: "Alpine Hydro",
      direction: "down",
      volumeMw: 15,
      priceEurMwh: 35,
      market: "afrr",
      createdAt: h(-10),
      deliveryStart: h(0),
      deliveryEnd: h(4),
    }),
    o("North Sea curtailment offer", {
      status: "submitted",
      plant: "North Sea Wind Farm",
      direction: "down",
      volumeMw: 30,
      priceEurMwh: -12,
      market: "day_ahead",
      createdAt: h(-2),
      deliveryStart: h(10),
      deliveryEnd: h(14),
    }),
    o("Meridian CHP day-ahead block", {
      status: "rejected",
      plant: "Meridian CHP",
      direction: "up",
      volumeMw: 4,
      priceEurMwh: 96,
      market: "day_ahead",
      createdAt: h(-26),
      deliveryStart: h(-16),
      deliveryEnd: h(-12),
    }),
    o("Valley Storage morning arbitrage", {
      status: "expired",
      plant: "Valley Storage",
      direction: "up",
      volumeMw: 8,
      priceEurMwh: 88,
      market: "intraday",
      createdAt: h(-23),
      deliveryStart: h(-18),
      deliveryEnd: h(-16),
    }),
    o("Peaker 2 balancing (unit in maintenance)", {
      status: "cancelled",
      plant: "Peaker Unit 2",
      direction: "up",
      volumeMw: 70,
      priceEurMwh: 160,
      market: "balancing",
      createdAt: h(-15),
      deliveryStart: h(2),
      deliveryEnd: h(5),
    }),
    o("Helios midday downward flex", {
      status: "draft",
      plant: "Helios Solar Park",
      direction: "down",
      volumeMw: 12,
      priceEurMwh: 5,
      market: "intraday",
      createdAt: h(-1),
      deliveryStart: h(12),
      deliveryEnd: h(15),
    }),
  ];
}

/** A seeded alert rule: [name, entity kind, entity natural key or null for all, metric, comparator, threshold, duration s, severity]. */
export const ALERT_RULES: [
  string,
  "plant" | "ven" | "meter",
  string | null,
  string,
  "above" | "below",
  number,
  number,
  "info" | "warning" | "critical",
][] = [
  ["Alpine Hydro above licensed output", "plant", "Alpine Hydro", "power_mw", "above", 64, 60, "critical"],
  ["Any plant output negative beyond storage", "plant", null, "power_mw", "below", -45, 120, "warning"],
  ["VEN panel overload", "ven", null, "used_power_kw", "above", 1600, 300, "warning"],
  [
    "Data Hall A power above design load",
    "meter",
    "Aurora Datacenter FRA-2/Data Hall A",
    "power",
    "above",
    1650,
    300,
    "critical",
  ],
  [
    "Press line idle during shift",
    "meter",
    "Meridian Manufacturing Plant/Press Line",
    "power",
    "below",
    200,
    900,
    "info",
  ],
];
