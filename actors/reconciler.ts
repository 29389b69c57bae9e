/**
 * Keeps the actors in step with the database when nobody told the runtime: every `intervalMs` it lists
 * each kind's entities, starts actors for new ones (rows inserted by the seed or another process),
 * stops those whose entity is gone or inactive, and reconfigures those whose configuration changed
 * (an alert rule for all plants, an edit that did not go through the API). The API still calls
 * `upsert`/`remove` for immediate effect; this is the safety net.
 * @module
 */
import type { Logger } from "../core/log.ts";
import type { Sql } from "../stores/postgres/client.ts";
import { kindModules } from "./kinds.ts";
import { stableHash } from "./placement.ts";
import type { ActorSpec } from "./protocol.ts";
import type { ActorRegistry } from "./registry.ts";
import type { ActorKind } from "./runtime.ts";

/** Options for {@linkcode Reconciler}. */
export interface ReconcilerOptions {
  sql: Sql;
  registry: ActorRegistry;
  log: Logger;
  upsert(kind: ActorKind, id: string): Promise<void>;
  remove(kind: ActorKind, id: string): Promise<void>;
}

/** Periodic reconciliation of actors with their entities. */
export class Reconciler {
  #o: ReconcilerOptions;
  #configs = new Map<string, number>();
  #timer?: ReturnType<typeof setInterval>;
  #running?: Promise<unknown>;

  constructor(options: ReconcilerOptions) {
    this.#o = options;
  }

  /** Remembers the configuration an actor was started or reconfigured with. */
  record(specs: ActorSpec[]): void {
    for (const spec of specs) this.#configs.set(`${spec.kind}:${spec.id}`, hashOf(spec.config));
  }

  /** Forgets a stopped actor. */
  forget(kind: ActorKind, id: string): void {
    this.#configs.delete(`${kind}:${id}`);
  }

  /** Runs {@linkcode reconcile} every `intervalMs` (never two at once). */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => {
      this.#running ??= this.reconcile()
        .catch((error) => this.#o.log.warn("reconciling actors with the database failed", { error }))
        .finally(() => (this.#running = undefined));
    }, intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One pass: new entities get actors, gone ones lose them, changed configurations are applied. */
  async reconcile(): Promise<{ started: number; stopped: number; reconfigured: number }> {
    const result = { started: 0, stopped: 0, reconfigured: 0 };
    const { sql, registry } = this.#o;
    for (const { catalog } of kindModules()) {
      const kind = catalog.kind;
      const ids = (await catalog.listIds(sql)).map((id) => id.toLowerCase());
      const present = new Set(ids);
      for (const entry of registry.all(kind)) {
        if (present.has(entry.id)) continue;
        await this.#o.remove(kind, entry.id);
        result.stopped++;
      }
      const configs = await catalog.loadConfigs(sql, ids);
      for (const [id, config] of configs) {
        const key = `${kind}:${id.toLowerCase()}`;
        const known = registry.has(kind, id.toLowerCase());
        if (known && this.#configs.get(key) === hashOf(config)) continue;
        await this.#o.upsert(kind, id.toLowerCase());
        if (known) result.reconfigured++;
        else result.started++;
      }
    }
    if (result.started + result.stopped + result.reconfigured > 0) {
      this.#o.log.info("actors reconciled with the database", result);
    }
    return result;
  }
}

function hashOf(config: unknown): number {
  return stableHash(JSON.stringify(config));
}
