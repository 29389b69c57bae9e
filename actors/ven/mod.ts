/**
 * The VEN kind (seed 002): its pure behaviour (worker hosts) and its catalog (main isolate).
 * @module
 */
import type { KindModule } from "../kind.ts";
import { venBehaviour, type VenState } from "./behaviour.ts";
import { venCatalog } from "./catalog.ts";
import type { VenConfig } from "./config.ts";
import type { VenMessage } from "./decode.ts";

/** The VEN kind. */
export const venKind: KindModule<VenState, VenConfig, VenMessage> = {
  behaviour: venBehaviour,
  catalog: venCatalog,
};
