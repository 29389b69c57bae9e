/**
 * The documents store on MongoDB (the official driver, used thinly), when `MONGO_URL` is set. One
 * collection per {@linkcode COLLECTIONS} entry in the `MONGO_DB` database; ids in `_id`; timestamps as
 * BSON dates; indexes from `mongo_query.ts` ensured at start, with a TTL index that lets MongoDB delete
 * expired telemetry events itself. Inserts are upserts with `$setOnInsert`, so an existing id is a no-op
 * and a retried batch duplicates nothing.
 *
 * @example
 * ```ts
 * import { openMongoDocuments } from "./stores/documents/mongo/mongo_documents.ts";
 * import { silentLogger } from "./core/log.ts";
 * // const documents = await openMongoDocuments({ url: "mongodb://127.0.0.1:27017", db: "gridpulse", log: silentLogger });
 * ```
 * @module
 */
import { type Db, MongoClient } from "mongodb";
import type { Logger } from "../../../core/log.ts";
import { StoreUnavailableError } from "../../../core/errors.ts";
import { maskUrl } from "../../postgres/client.ts";
import type { StoreStatus } from "../../status.ts";
import {
  type CollectionName,
  COLLECTIONS,
  type Document,
  type DocumentQuery,
  type DocumentStore,
  type NewDocument,
} from "../documents.ts";
import {
  fromMongo,
  type MongoDocument,
  mongoFilter,
  mongoIndexSpecs,
  mongoPage,
  mongoSort,
  toMongo,
} from "./mongo_query.ts";

/** Options for {@linkcode openMongoDocuments}. */
export interface MongoDocumentsOptions {
  url: string;
  /** Database name. @default {"gridpulse"} */
  db?: string;
  log: Logger;
  /** How long server selection may take at start and per operation. @default {5000} */
  serverSelectionTimeoutMs?: number;
  /** Create the indexes at start. @default {true} */
  ensureIndexes?: boolean;
}

/** The MongoDB {@linkcode DocumentStore}. Create it with {@linkcode openMongoDocuments}. */
export class MongoDocuments implements DocumentStore {
  readonly backend = "mongo" as const;
  readonly #client: MongoClient;
  readonly #db: Db;
  readonly #location: string;

  constructor(client: MongoClient, db: Db, location: string) {
    this.#client = client;
    this.#db = db;
    this.#location = location;
  }

  #collection(name: CollectionName) {
    if (!COLLECTIONS.includes(name)) throw new TypeError(`Unknown collection ${JSON.stringify(name)}`);
    return this.#db.collection<MongoDocument>(name);
  }

  async insert(collection: CollectionName, docs: NewDocument[]): Promise<string[]> {
    const stored = docs.map((doc) => toMongo({ ...doc, id: doc.id ?? crypto.randomUUID() }));
    if (stored.length === 0) return [];
    await this.#collection(collection).bulkWrite(
      stored.map((doc) => ({
        updateOne: { filter: { _id: doc._id }, update: { $setOnInsert: doc }, upsert: true },
      })),
      { ordered: false },
    );
    return stored.map((doc) => doc._id);
  }

  async find(collection: CollectionName, query: DocumentQuery = {}): Promise<Document[]> {
    const { skip, limit } = mongoPage(query);
    if (limit === 0) return [];
    const rows = await this.#collection(collection)
      .find(mongoFilter(query, new Date()))
      .sort(mongoSort(query))
      .skip(skip)
      .limit(limit)
      .toArray();
    return rows.map((row) => fromMongo(row as MongoDocument));
  }

  count(
    collection: CollectionName,
    query: Omit<DocumentQuery, "limit" | "offset" | "sort"> = {},
  ): Promise<number> {
    return this.#collection(collection).countDocuments(mongoFilter(query, new Date()));
  }

  async clear(collection: CollectionName): Promise<void> {
    await this.#collection(collection).deleteMany({});
  }

  async ensureIndexes(): Promise<void> {
    for (const name of COLLECTIONS) {
      await this.#collection(name).createIndexes(mongoIndexSpecs(name));
    }
  }

  async check(): Promise<StoreStatus> {
    const base = { store: "documents", backend: "MongoDB", required: true, location: this.#location };
    const started = performance.now();
    try {
      await this.#db.command({ ping: 1 });
      return { ...base, state: "up", latencyMs: performance.now() - started };
    } catch (error) {
      return { ...base, state: "down", error: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  /** Drops the whole database (tests only). */
  async dropDatabase(): Promise<void> {
    await this.#db.dropDatabase();
  }
}

/**
 * Connects to MongoDB and ensures the indexes. The driver reconnects by itself if the server drops later;
 * operations then fail until it is back, and `check()` reports it down.
 *
 * @throws {StoreUnavailableError} naming the URL (password masked) when the server is unreachable.
 */
export async function openMongoDocuments(options: MongoDocumentsOptions): Promise<MongoDocuments> {
  const { url, db = "gridpulse", log, serverSelectionTimeoutMs = 5_000 } = options;
  const location = `${maskUrl(url)} (database ${db})`;
  // A timeout given in the URL wins over ours.
  const inUrl = /[?&]serverSelectionTimeoutMS=/i.test(url);
  const client = new MongoClient(url, {
    ...(inUrl ? {} : { serverSelectionTimeoutMS: serverSelectionTimeoutMs }),
    appName: "gridpulse",
  });
  try {
    await client.connect();
    const store = new MongoDocuments(client, client.db(db), location);
    if (options.ensureIndexes ?? true) await store.ensureIndexes();
    log.child({ store: "documents" }).info("documents store on MongoDB", { location });
    return store;
  } catch (error) {
    await client.close().catch(() => {});
    throw new StoreUnavailableError(
      "documents",
      `MongoDB at ${maskUrl(url)} is unreachable: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
