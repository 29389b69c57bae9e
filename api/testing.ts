/**
 * Testing the API the Fresh way: the real app (file-system routes, middleware, `mapError`) called
 * through `app.handler()` without a server, on a fresh migrated database, with the in-process cache,
 * the PostgreSQL documents store, and recording fakes of the MQTT publisher and the actor runtime.
 *
 * Every JSON success response is checked against the schema its operation declares: a field the
 * document does not describe, or a described field of the wrong type, fails the test.
 *
 * @example
 * ```ts
 * import { withApi } from "./api/testing.ts";
 * Deno.test("plants list", () =>
 *   withApi("embedded", async (api) => {
 *     const page = await api.json("GET", "/api/plants", { as: "viewer" });
 *   }));
 * ```
 * @module
 */
import assert from "node:assert/strict";
import type { ActorKind, Runtime, RuntimeStats } from "../actors/runtime.ts";
import { loadConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";
import type { MqttPublisher, Services } from "../core/services.ts";
import type { Role } from "../domain/user.ts";
import { type AuthUser, signAccessToken } from "../auth/tokens.ts";
import { MemoryCache } from "../stores/cache/memory/memory_cache.ts";
import type { Document } from "../stores/documents/documents.ts";
import {
  openPostgresDocuments,
  type PostgresDocuments,
} from "../stores/documents/postgres/postgres_documents.ts";
import { openTestDatabase, type PgBackend, type TestDatabase } from "../stores/postgres/testing.ts";
import { insertUser } from "../stores/postgres/repos/users.ts";
import { findOperation } from "./api_routes.ts";
import { webApp } from "../core/web_app.ts";

/** A message the fake MQTT publisher was asked to send. */
export interface Published {
  topic: string;
  payload: unknown;
  options?: { retain?: boolean; qos?: 0 | 1 };
}

/** Records publishes; `fail` makes the next ones reject. */
export class FakeMqtt implements MqttPublisher {
  readonly url = "mqtt://fake";
  readonly backend = "embedded" as const;
  readonly published: Published[] = [];
  fail = false;
  publish(topic: string, payload: unknown, options?: { retain?: boolean; qos?: 0 | 1 }): Promise<void> {
    if (this.fail) return Promise.reject(new Error("broker unreachable"));
    this.published.push({ topic, payload, options });
    return Promise.resolve();
  }
  check() {
    return Promise.resolve({ store: "mqtt", backend: "fake", state: "up" as const, required: false });
  }
}

/** Records what the API told the actor runtime. */
export class FakeRuntime implements Runtime {
  /** What was asked, in order; a `reconfigure` of every actor of a kind has the id `*`. */
  readonly calls: {
    op: "upsert" | "remove" | "reconfigure" | "notify";
    kind: ActorKind;
    id: string;
    command?: unknown;
  }[] = [];
  metricsText = "# HELP gridpulse_actors Actors hosted\n# TYPE gridpulse_actors gauge\ngridpulse_actors 0\n";
  upsert(kind: ActorKind, id: string) {
    this.calls.push({ op: "upsert", kind, id });
    return Promise.resolve();
  }
  remove(kind: ActorKind, id: string) {
    this.calls.push({ op: "remove", kind, id });
    return Promise.resolve();
  }
  reconfigure(kind: ActorKind) {
    this.calls.push({ op: "reconfigure", kind, id: "*" });
    return Promise.resolve();
  }
  notify(kind: ActorKind, id: string, command: { type: string }) {
    this.calls.push({ op: "notify", kind, id, command });
    return Promise.resolve();
  }
  stats(): RuntimeStats {
    return {
      workers: 0,
      workersAlive: 0,
      shards: 0,
      actors: 0,
      actorsByKind: { plant: 0, ven: 0, site: 0 },
      messagesPerSecond: 0,
      messagesIn: 0,
      messagesAcked: 0,
      messagesRejected: 0,
      pendingAcks: 0,
      workerRestarts: 0,
      state: "running",
    };
  }
  metrics() {
    return this.metricsText;
  }
  check() {
    return { store: "runtime", backend: "fake", state: "up" as const, required: true };
  }
  stop() {
    return Promise.resolve();
  }
}

/** The in-process cache, counting live subscriptions so that a leak shows. */
export class CountingCache extends MemoryCache {
  /** Subscriptions made and not yet ended. */
  subscriptions = 0;

  override async subscribe(
    channel: string,
    onMessage: (message: unknown) => void,
  ): Promise<() => Promise<void>> {
    const unsubscribe = await super.subscribe(channel, onMessage);
    this.subscriptions++;
    let ended = false;
    return () => {
      if (!ended) this.subscriptions--;
      ended = true;
      return unsubscribe();
    };
  }
}

/** Options of a request made through {@linkcode ApiHarness}. */
export interface RequestOptions {
  /** Sign the request as a user of this role (a bearer token), or send this exact token. */
  as?: Role;
  token?: string;
  body?: unknown;
  headers?: HeadersInit;
}

/** The app under test and what it was given. */
export interface ApiHarness {
  services: Services;
  db: TestDatabase;
  cache: CountingCache;
  documents: PostgresDocuments;
  mqtt: FakeMqtt;
  runtime: FakeRuntime;
  users: Record<Role, AuthUser>;
  tokens: Record<Role, string>;
  handler: (req: Request) => Promise<Response>;
  /** The audit records of `entity`, oldest first. */
  audit(entity: string): Promise<Document[]>;
  /** Sends a request; returns the response as is. */
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** Sends a request, asserts the status (default 2xx) and returns the parsed body, checked against its schema. */
  json<T = Record<string, unknown>>(
    method: string,
    path: string,
    options?: RequestOptions & { status?: number },
  ): Promise<T>;
  /** Sends a request that must fail with `status`; returns the problem document. */
  problem(
    method: string,
    path: string,
    status: number,
    options?: RequestOptions,
  ): Promise<{ detail: string; status: number; errors?: { field: string; message: string }[] }>;
}

/** Opens the app on a fresh database of `backend`. Close with `db.close()` (or use {@linkcode withApi}). */
export async function openApi(backend: PgBackend): Promise<ApiHarness> {
  const db = await openTestDatabase(backend);
  const cache = new CountingCache();
  const documents = openPostgresDocuments({ sql: db.sql, log: silentLogger, sweepIntervalMs: 0 });
  const mqtt = new FakeMqtt();
  const runtime = new FakeRuntime();
  const services: Services = {
    config: loadConfig({}),
    log: silentLogger,
    postgres: db.store,
    sql: db.sql,
    documents,
    cache,
    mqtt,
    runtime,
    health: async () => [
      {
        store: "postgres",
        backend: db.backend,
        state: "up",
        required: true,
        latencyMs: await db.store.ping(),
      },
      await cache.check(),
      await documents.check(),
    ],
  };
  const app = await webApp(services);
  const handler = app.handler();
  const users = {} as Record<Role, AuthUser>;
  const tokens = {} as Record<Role, string>;
  for (const role of ["viewer", "operator", "admin"] as const) {
    const row = await insertUser(db.sql, { username: `test-${role}`, passwordHash: "-", role });
    users[role] = { id: row.id, username: row.username, role };
    tokens[role] = await signAccessToken(services, users[role]);
  }
  const request = (method: string, path: string, options: RequestOptions = {}) => {
    const headers = new Headers(options.headers);
    const token = options.token ?? (options.as ? tokens[options.as] : undefined);
    if (token) headers.set("Authorization", `Bearer ${token}`);
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
    }
    return handler(new Request(`http://localhost${path}`, { method, headers, body }));
  };
  const harness: ApiHarness = {
    services,
    db,
    cache,
    documents,
    mqtt,
    runtime,
    users,
    tokens,
    handler,
    request,
    audit: (entity) => documents.find("audit", { where: { entity }, sort: "asc", limit: 1000 }),
    async json(method, path, options = {}) {
      const res = await request(method, path, options);
      const text = await res.text();
      if (options.status ? res.status !== options.status : res.status >= 300) {
        assert.fail(`${method} ${path}: expected ${options.status ?? "2xx"}, got ${res.status}: ${text}`);
      }
      const body = text ? JSON.parse(text) : undefined;
      if (res.ok && body !== undefined) await checkResponse(method, path, body);
      return body;
    },
    async problem(method, path, status, options = {}) {
      const res = await request(method, path, options);
      const text = await res.text();
      assert.equal(res.status, status, `${method} ${path}: expected ${status}, got ${res.status}: ${text}`);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      const body = JSON.parse(text);
      assert.equal(body.status, status);
      assert.ok(!/\n\s+at /.test(text), "a problem never carries a stack trace");
      return body;
    },
  };
  return harness;
}

/** Validates a JSON success body against its operation's declared response, and finds undeclared fields. */
export async function checkResponse(method: string, path: string, body: unknown): Promise<void> {
  const found = await findOperation(method, new URL(path, "http://localhost").pathname);
  const schema = found?.spec?.response;
  assert.ok(schema, `${method} ${path} answered JSON but declares no response schema`);
  const parsed = schema.safeParse(body);
  assert.ok(
    parsed.success,
    `${method} ${path}: response does not match its schema: ${parsed.error?.message}`,
  );
  // z.object drops keys it does not know: a difference is a field the document does not describe
  assert.deepEqual(parsed.data, body, `${method} ${path}: response has fields its schema does not describe`);
}

/** Runs `fn` with {@linkcode openApi} and always closes the database. */
export async function withApi<T>(backend: PgBackend, fn: (api: ApiHarness) => Promise<T>): Promise<T> {
  const api = await openApi(backend);
  try {
    return await fn(api);
  } finally {
    await api.documents.close();
    await api.cache.close();
    await api.db.close();
  }
}
