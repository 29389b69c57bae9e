import assert from "node:assert/strict";
import fc from "fast-check";
import { rulesOf } from "./field_rules.ts";
import { checkFields, type FieldSpec, toBody } from "./form_rules.ts";
import { PlantInput } from "../domain/plant.ts";
import { OfferInput } from "../domain/offer.ts";
import { DispatchEntryInput } from "../domain/market.ts";

Deno.test("toBody() turns inputs into the API's JSON: numbers, lists, UTC times, nulls", () => {
  const fields: FieldSpec[] = [
    { name: "name", label: "Name", kind: "text" },
    { name: "capacityMw", label: "Capacity", kind: "number" },
    { name: "siteId", label: "Site", kind: "select", nullable: true },
    { name: "groups", label: "Groups", kind: "list" },
    { name: "start", label: "Start", kind: "datetime" },
    { name: "active", label: "Active", kind: "checkbox" },
    { name: "note", label: "Note", kind: "text" },
  ];
  assert.deepEqual(
    toBody(fields, {
      name: "  Pier 4 ",
      capacityMw: "2.5",
      siteId: "",
      groups: "a, b,,",
      start: "2026-01-26T10:30",
      active: true,
      note: " ",
    }),
    {
      name: "Pier 4",
      capacityMw: 2.5,
      siteId: null,
      groups: ["a", "b"],
      start: "2026-01-26T10:30:00Z",
      active: true,
    },
  );
});

Deno.test("rulesOf() reads the API schema's field rules", () => {
  const rules = rulesOf(PlantInput);
  assert.deepEqual(rules.name, {
    required: true,
    nullable: false,
    type: "string",
    minLength: 1,
    maxLength: 200,
  });
  assert.deepEqual(rules.capacityMw, {
    required: true,
    nullable: false,
    type: "number",
    exclusiveMinimum: 0,
  });
  assert.equal(rules.latitude.nullable, true);
  assert.equal(rules.latitude.maximum, 90);
  assert.equal(rules.expectedIntervalS.type, "integer");
  assert.deepEqual(rulesOf(OfferInput).deliveryStart.format, "date-time");
});

Deno.test("checkFields() names each bad field with the API's wording; partial drops required", () => {
  const rules = rulesOf(PlantInput);
  assert.deepEqual(checkFields(rules, { name: "", capacityMw: 0, latitude: 91, expectedIntervalS: 1.5 }), [
    { field: "name", message: "must not be empty" },
    { field: "assetType", message: "is required" },
    { field: "capacityMw", message: "must be greater than 0" },
    { field: "expectedIntervalS", message: "must be a whole number" },
    { field: "latitude", message: "must be at most 90" },
  ]);
  assert.deepEqual(checkFields(rules, { assetType: "coal" }, { partial: true }), [
    {
      field: "assetType",
      message: "must be one of: solar, wind, battery, hydro, chp, gas_peaker, generator, storage, other",
    },
  ]);
  assert.deepEqual(checkFields(rules, { latitude: null }, { partial: true }), []);
});

Deno.test("checkFields() never refuses a body the API schema accepts", () => {
  const cases = [
    {
      schema: PlantInput,
      body: fc.record({
        name: fc.string({ maxLength: 210 }),
        assetType: fc.constantFrom("solar", "wind", "coal"),
        capacityMw: fc.oneof(fc.double({ noNaN: true }), fc.integer()),
        expectedIntervalS: fc.oneof(fc.integer({ min: -5, max: 90_000 }), fc.double({ noNaN: true })),
        latitude: fc.oneof(fc.constant(null), fc.double({ min: -100, max: 100, noNaN: true })),
      }, { requiredKeys: [] }),
    },
    {
      schema: DispatchEntryInput,
      body: fc.record({
        plantName: fc.string({ maxLength: 5 }),
        volumeMw: fc.double({ noNaN: true }),
        market: fc.string({ maxLength: 3 }),
        direction: fc.constantFrom("up", "down", "sideways"),
        offerId: fc.oneof(fc.constant(null), fc.uuid(), fc.string({ maxLength: 4 })),
      }, { requiredKeys: [] }),
    },
  ];
  for (const { schema, body } of cases) {
    const rules = rulesOf(schema);
    fc.assert(
      fc.property(body, (b) => {
        if (!schema.safeParse(b).success) return true;
        assert.deepEqual(checkFields(rules, b), [], JSON.stringify(b));
        return true;
      }),
      { numRuns: 500 },
    );
  }
});
