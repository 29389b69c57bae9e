/**
 * `deno task seed`: seeds PostgreSQL (`populate_postgres.ts`) and then the documents collections
 * (`populate_mongo.ts`). main.ts calls {@linkcode populate} to seed an empty embedded database on first
 * start.
 *
 * Flags: `--demo-password=...` also creates the `operator` and `viewer` demo users (the admin's password
 * comes from `ADMIN_PASSWORD`); passwords are never printed.
 *
 * @example
 * ```ts
 * import { isEmpty, populate } from "./population/run_all.ts";
 * // if (await isEmpty(sql)) await populate({ sql, documents, adminPassword: config.adminPassword });
 * ```
 * @module
 */
import type { Sql } from "../stores/postgres/client.ts";
import type { DocumentStore } from "../stores/documents/documents.ts";
import { isEmpty, populatePostgres, type PopulateResult } from "./populate_postgres.ts";
import { populateDocuments } from "./populate_mongo.ts";
import type { OnProgress } from "./progress.ts";

export { isEmpty };

/** Options for {@linkcode populate}. */
export interface PopulateOptions {
  sql: Sql;
  documents: DocumentStore;
  onProgress?: OnProgress;
  /** End of the seeded day (epoch ms). @default {Date.now()} */
  now?: number;
  /** Namespace of the stable ids. @default {SEED_NAMESPACE} */
  namespace?: string;
  adminPassword?: string;
  demoPassword?: string;
}

/** Seeds everything: relational data and series, then documents. */
export async function populate(options: PopulateOptions): Promise<PopulateResult> {
  const result = await populatePostgres(options);
  const docs = await populateDocuments({ ...options, now: result.end, namespace: result.namespace });
  return { ...result, counts: { ...result.counts, ...docs } };
}

if (import.meta.main) {
  const { runCli } = await import("./cli.ts");
  await runCli("seed", async ({ sql, documents, config, progress, args }) => {
    const demo = args.find((a) => a.startsWith("--demo-password="))?.slice("--demo-password=".length);
    if (!config.adminPassword) {
      console.error("seed: ADMIN_PASSWORD not set: no admin user created (GridPulse creates one at start)");
    }
    await populate({
      sql,
      documents,
      onProgress: progress,
      adminPassword: config.adminPassword,
      demoPassword: demo || undefined,
    });
  });
}
