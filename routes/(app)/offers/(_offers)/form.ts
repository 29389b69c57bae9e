/**
 * The offer form's fields and initial values, shared by "new offer" and "edit offer".
 * @module
 */
import { type Choice, inputValue, options, utcInput } from "../../../../components/choices.ts";
import type { FieldSpec } from "../../../../components/form_rules.ts";
import { humanize } from "../../../../components/format.ts";
import { MARKETS, OFFER_STATUSES } from "../../../../domain/offer.ts";
import type { Entity } from "../../../../stores/postgres/repos/crud.ts";

/** A market's name as traders write it. */
export function marketName(market: string): string {
  return { fcr: "FCR", afrr: "aFRR", mfrr: "mFRR" }[market] ?? humanize(market);
}

/** The fields, with the plants and sites an offer can come from. */
export function offerFields(plants: Choice[], sites: Choice[]): FieldSpec[] {
  return [
    { name: "name", label: "Name", kind: "text", placeholder: "e.g. Evening ramp, up" },
    {
      name: "market",
      label: "Market",
      kind: "select",
      options: [["", "Choose…"], ...MARKETS.map((m): [string, string] => [m, marketName(m)])],
    },
    { name: "plantId", label: "Plant", kind: "select", nullable: true, options: options(plants, "No plant") },
    {
      name: "siteId",
      label: "Site",
      kind: "select",
      nullable: true,
      options: options(sites, "No site"),
      hint: "An offer comes from a plant or a site",
    },
    {
      name: "direction",
      label: "Direction",
      kind: "select",
      options: [["", "Choose…"], ["up", "Up"], ["down", "Down"]],
    },
    { name: "volumeMw", label: "Volume (MW)", kind: "number" },
    { name: "priceEurMwh", label: "Price (EUR/MWh)", kind: "number" },
    {
      name: "status",
      label: "Status",
      kind: "select",
      options: OFFER_STATUSES.map((s): [string, string] => [s, humanize(s)]),
    },
    { name: "deliveryStart", label: "Delivery start (UTC)", kind: "datetime" },
    { name: "deliveryEnd", label: "Delivery end (UTC)", kind: "datetime" },
  ];
}

/** The inputs' values for an offer, or for a new one (delivery: the next full hour). */
export function offerValues(offer?: Entity): Record<string, string> {
  const text = inputValue;
  const hour = Math.ceil(Date.now() / 3_600_000) * 3_600_000;
  return {
    name: text(offer?.name),
    market: text(offer?.market),
    plantId: text(offer?.plantId),
    siteId: text(offer?.siteId),
    direction: text(offer?.direction),
    volumeMw: text(offer?.volumeMw),
    priceEurMwh: text(offer?.priceEurMwh),
    status: text(offer?.status ?? "draft"),
    deliveryStart: utcInput(offer?.deliveryStart ?? hour),
    deliveryEnd: utcInput(offer?.deliveryEnd ?? hour + 3_600_000),
  };
}
