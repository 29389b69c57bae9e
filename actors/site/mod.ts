/**
 * The site kind (seeds 001 and 004): its pure behaviour (worker hosts) and its catalog (main isolate).
 * @module
 */
import type { KindModule } from "../kind.ts";
import { siteBehaviour, type SiteState } from "./behaviour.ts";
import { siteCatalog } from "./catalog.ts";
import type { SiteConfig } from "./config.ts";
import type { SiteMessage } from "./decode.ts";

/** The site kind. */
export const siteKind: KindModule<SiteState, SiteConfig, SiteMessage> = {
  behaviour: siteBehaviour,
  catalog: siteCatalog,
};
