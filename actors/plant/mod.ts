/**
 * The plant kind: its pure behaviour (worker hosts) and its catalog (main isolate).
 * @module
 */
import type { KindModule } from "../kind.ts";
import { plantBehaviour, type PlantReading, type PlantState } from "./behaviour.ts";
import { plantCatalog, plantRollupSource } from "./catalog.ts";
import type { PlantConfig } from "./config.ts";

/** The plant kind. */
export const plantKind: KindModule<PlantState, PlantConfig, PlantReading> = {
  behaviour: plantBehaviour,
  catalog: { ...plantCatalog, rollupSource: plantRollupSource },
};
