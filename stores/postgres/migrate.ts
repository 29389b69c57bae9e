/**
 * Schema migrations: versioned SQL files in `migrations/` (`NNNN_name.sql`), applied in order in one
 * transaction (all pending or none), recorded in `schema_migrations` with a checksum so an edited,
 * already-applied file is refused rather than silently diverging. An advisory lock serialises
 * concurrent migrators.
 *
 * @example
 * ```ts
 * import { migrate } from "./stores/postgres/migrate.ts";
 * // const applied = await migrate(sql);
 * ```
 * @module
 */
import type { Sql } from "./client.ts";

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATIONS_DIR = new URL("./migrations/", import.meta.url);
const LOCK_KEY = 7_316_001; // arbitrary, constant: "gridpulse migrations"

/** Reads the migration files, sorted by version. */
export async function loadMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const out: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(entry.name);
    if (!entry.isFile || !match) continue;
    const sql = await Deno.readTextFile(new URL(entry.name, dir));
    out.push({ version: Number(match[1]), name: match[2], sql, checksum: await sha256(sql) });
  }
  out.sort((a, b) => a.version - b.version);
  for (let i = 1; i < out.length; i++) {
    if (out[i].version === out[i - 1].version) {
      throw new Error(`Two migrations share version ${out[i].version}: ${out[i - 1].name}, ${out[i].name}`);
    }
  }
  return out;
}

/**
 * Applies every pending migration; returns the versions applied.
 *
 * @throws when an applied migration's file has changed since.
 */
export async function migrate(sql: Sql, migrations?: Migration[]): Promise<number[]> {
  const all = migrations ?? await loadMigrations();
  await sql`
    create table if not exists schema_migrations (
      version integer primary key, name text not null, checksum text not null,
      applied_at timestamptz not null default now())`;
  const applied: number[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`;
    const done = new Map<number, string>();
    for (
      const row of await tx<
        { version: number; checksum: string }[]
      >`select version, checksum from schema_migrations`
    ) {
      done.set(row.version, row.checksum);
    }
    for (const m of all) {
      const checksum = done.get(m.version);
      if (checksum !== undefined) {
        if (checksum !== m.checksum) {
          throw new Error(
            `Migration ${m.version}_${m.name} was changed after it was applied; add a new migration`,
          );
        }
        continue;
      }
      await tx.savepoint(async (sp) => {
        await sp.unsafe(m.sql);
        await sp`insert into schema_migrations (version, name, checksum) values (${m.version}, ${m.name}, ${m.checksum})`;
      }).catch((error) => {
        throw new Error(`Migration ${m.version}_${m.name} failed: ${error.message}`, { cause: error });
      });
      applied.push(m.version);
    }
  });
  return applied;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
