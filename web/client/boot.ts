/**
 * The browser runtime: revives island props and hydrates the islands of a page. The
 * boot script the server writes imports this bundle and calls {@linkcode boot}.
 *
 * @module
 */
import type { ComponentType } from "preact";
import { signal } from "@preact/signals";
import { Parser } from "../serial/parse.ts";
import { SlotRef } from "../serial/slot_ref.ts";
import { Reviver } from "./revive.ts";

/** What the server serializes for a page: the props table and each island's root index. */
export interface BootPayload {
  roots: number[];
  values: unknown[];
}

/** Hydrate the page's islands. Called once by the page's boot script. */
export function boot(components: Record<string, ComponentType>, payload: BootPayload): void {
  const parser = new Parser(payload.values, {
    signal: (value) => signal(value),
    slot: (name) => new SlotRef(name),
  });
  const props = payload.roots.map((root) => parser.get(root) as Record<string, unknown>);
  new Reviver(components, props).hydrateAll(document.body);
}
