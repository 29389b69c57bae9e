/**
 * What a kWh costs and emits at a site: the import tariff of its grid link (a time-of-use table in the
 * site's local time, or one price, and a demand charge) and the carbon intensity of its grid supply (its
 * `grid` energy source). Where the site has none, the named defaults stand in; every recommendation's
 * metadata says which was used.
 * @module
 */
import { z } from "zod";
import type { SiteFacts } from "./site_facts.ts";

/** EUR per kWh imported, when no grid link of the site has a tariff. */
export const DEFAULT_PRICE_EUR_PER_KWH = 0.2;
/** gCO2e per kWh imported, when the site has no grid energy source with a carbon intensity (EU mix, rounded). */
export const DEFAULT_GRID_CARBON_G_PER_KWH = 300;

const HourMinute = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/);

/** The parts of `grid_links.tariff` the rules use (the seed's shape); other fields are ignored. */
export const Tariff = z.object({
  energy: z.array(z.object({ from: HourMinute, to: HourMinute, eurPerKwh: z.number().nonnegative() }))
    .min(1).optional(),
  eurPerKwh: z.number().nonnegative().optional(),
  demandChargeEurPerKwMonth: z.number().nonnegative().optional(),
});

/** The prices and carbon intensity of one site. */
export interface SitePrices {
  /** EUR/kWh imported, by local hour of day 0-23. */
  eurPerKwhByHour: number[];
  /** EUR per kW of monthly peak, when the tariff has a demand charge. */
  demandChargeEurPerKwMonth: number | null;
  /** The grid link whose tariff gave the prices; null: {@linkcode DEFAULT_PRICE_EUR_PER_KWH}. */
  tariffFrom: { gridLinkId: string; name: string } | null;
  /** gCO2e per kWh imported. */
  gridCarbonGPerKwh: number;
  /** The grid energy source that gave it; null: {@linkcode DEFAULT_GRID_CARBON_G_PER_KWH}. */
  carbonFrom: { energySourceId: string; name: string } | null;
}

/**
 * The site's prices: the tariff of its importing grid link (direction `in` or `bi`) with the largest import
 * capacity among those with a readable tariff; a time-of-use window applies to the hours that begin in it.
 */
export function sitePrices(facts: Pick<SiteFacts, "gridLinks" | "energySources">): SitePrices {
  const links = facts.gridLinks
    .filter((l) => l.direction !== "out")
    .map((l) => ({ link: l, tariff: Tariff.safeParse(l.tariff).data }))
    .filter((t) => t.tariff && (t.tariff.energy || t.tariff.eurPerKwh !== undefined))
    .sort((a, b) => (b.link.importCapacityKw ?? 0) - (a.link.importCapacityKw ?? 0));
  const chosen = links[0];
  const grid = facts.energySources.find((s) => s.sourceType === "grid" && s.carbonIntensity > 0);
  return {
    eurPerKwhByHour: Array.from({ length: 24 }, (_, h) => priceAt(chosen?.tariff, h)),
    demandChargeEurPerKwMonth: chosen?.tariff?.demandChargeEurPerKwMonth ?? null,
    tariffFrom: chosen ? { gridLinkId: chosen.link.id, name: chosen.link.name } : null,
    gridCarbonGPerKwh: grid?.carbonIntensity ?? DEFAULT_GRID_CARBON_G_PER_KWH,
    carbonFrom: grid ? { energySourceId: grid.id, name: grid.name } : null,
  };
}

function priceAt(tariff: z.output<typeof Tariff> | undefined, hour: number): number {
  const minutes = hour * 60;
  const window = tariff?.energy?.find((w) => toMinutes(w.from) <= minutes && minutes < toMinutes(w.to));
  return window?.eurPerKwh ?? tariff?.eurPerKwh ?? DEFAULT_PRICE_EUR_PER_KWH;
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/**
 * The mean price over `hours` (local hours of day), weighted by `weights` (e.g. the import profile) where
 * given and known, else by time.
 */
export function meanPrice(
  prices: SitePrices,
  hours: number[] = [...Array(24).keys()],
  weights?: (number | null)[],
): number {
  const w = hours.map((h) => weights?.[h] ?? null);
  const weighted = w.every((x) => x !== null) && w.some((x) => x! > 0);
  let sum = 0;
  let total = 0;
  for (const [i, h] of hours.entries()) {
    const weight = weighted ? w[i]! : 1;
    sum += prices.eurPerKwhByHour[h] * weight;
    total += weight;
  }
  return total > 0 ? sum / total : DEFAULT_PRICE_EUR_PER_KWH;
}

/** The dearest and cheapest hourly price, and the local hours at the dearest. */
export function priceSpread(prices: SitePrices): { peak: number; offPeak: number; peakHours: number[] } {
  const peak = Math.max(...prices.eurPerKwhByHour);
  const offPeak = Math.min(...prices.eurPerKwhByHour);
  const peakHours = prices.eurPerKwhByHour.flatMap((p, h) => (p === peak ? [h] : []));
  return { peak, offPeak, peakHours };
}
