/**
 * The plant form's fields and initial values, shared by "new plant" and "edit plant".
 * @module
 */
import { type Choice, inputValue, options } from "../../../../components/choices.ts";
import type { FieldSpec } from "../../../../components/form_rules.ts";
import { humanize } from "../../../../components/format.ts";
import { PLANT_ASSET_TYPES, PLANT_STATUSES } from "../../../../domain/plant.ts";
import type { Entity } from "../../../../stores/postgres/repos/crud.ts";

/** The fields, with the sites a plant may belong to. */
export function plantFields(sites: Choice[]): FieldSpec[] {
  return [
    { name: "name", label: "Name", kind: "text", placeholder: "e.g. Pier 4 Solar" },
    {
      name: "assetType",
      label: "Technology",
      kind: "select",
      options: [["", "Choose…"], ...PLANT_ASSET_TYPES.map((t): [string, string] => [t, humanize(t)])],
    },
    { name: "capacityMw", label: "Capacity (MW)", kind: "number", hint: "Nameplate capacity" },
    {
      name: "status",
      label: "Status",
      kind: "select",
      options: PLANT_STATUSES.map((s): [string, string] => [s, humanize(s)]),
    },
    {
      name: "expectedIntervalS",
      label: "Reporting interval (s)",
      kind: "number",
      step: "1",
      hint: "A data-gap alert opens after three missed intervals",
    },
    {
      name: "siteId",
      label: "Site",
      kind: "select",
      nullable: true,
      options: options(sites, "No site"),
    },
    { name: "latitude", label: "Latitude", kind: "number", nullable: true },
    { name: "longitude", label: "Longitude", kind: "number", nullable: true },
  ];
}

/** The inputs' values for a plant, or for a new one. */
export function plantValues(plant?: Entity): Record<string, string> {
  const text = inputValue;
  return {
    name: text(plant?.name),
    assetType: text(plant?.assetType),
    capacityMw: text(plant?.capacityMw),
    status: text(plant?.status ?? "online"),
    expectedIntervalS: text(plant?.expectedIntervalS ?? 60),
    siteId: text(plant?.siteId),
    latitude: text(plant?.latitude),
    longitude: text(plant?.longitude),
  };
}
