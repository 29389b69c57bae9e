/**
 * The fields of the dispatch and market signal forms.
 * @module
 */
import type { Choice } from "../../../../components/choices.ts";
import type { FieldSpec } from "../../../../components/form_rules.ts";
import { MARKETS } from "../../../../domain/offer.ts";
import { marketName } from "../../offers/(_offers)/form.ts";

const marketOptions = (): [string, string][] => [
  ["", "Choose…"],
  ...MARKETS.map((m): [string, string] => [m, marketName(m)]),
];

/** A dispatch: which plant, how much, which way, on which market. */
export function dispatchFields(plants: Choice[]): FieldSpec[] {
  return [
    {
      name: "plantName",
      label: "Plant",
      kind: "select",
      options: [["", "Choose…"], ...plants.map((p): [string, string] => [p.name, p.name])],
    },
    { name: "market", label: "Market", kind: "select", options: marketOptions() },
    { name: "direction", label: "Direction", kind: "select", options: [["up", "Up"], ["down", "Down"]] },
    { name: "volumeMw", label: "Volume (MW)", kind: "number" },
    { name: "timestamp", label: "Time (UTC)", kind: "datetime", hint: "Leave empty for now" },
  ];
}

/** A market signal: a price and a volume on a market. */
export function signalFields(): FieldSpec[] {
  return [
    { name: "market", label: "Market", kind: "select", options: marketOptions() },
    { name: "price", label: "Price (EUR/MWh)", kind: "number" },
    { name: "volume", label: "Volume (MWh)", kind: "number" },
    { name: "timestamp", label: "Time (UTC)", kind: "datetime", hint: "Leave empty for now" },
  ];
}
