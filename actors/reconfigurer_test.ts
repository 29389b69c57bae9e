import assert from "node:assert/strict";
import { type Logger, silentLogger } from "../core/log.ts";
import { Reconfigurer } from "./reconfigurer.ts";
import type { ActorKind } from "./runtime.ts";

/** A pass the test finishes by hand, recording when each one started. */
class Passes {
  started: ActorKind[] = [];
  #finish: ((error?: Error) => void)[] = [];
  run = (kind: ActorKind): Promise<void> => {
    this.started.push(kind);
    return new Promise((resolve, reject) => this.#finish.push((e) => e ? reject(e) : resolve()));
  };
  /** Ends the oldest running pass (with `error`: as a failure). */
  async end(error?: Error): Promise<void> {
    const finish = this.#finish.shift();
    assert.ok(finish, "a pass is running");
    finish(error);
    await new Promise((r) => setTimeout(r, 0));
  }
  get running(): number {
    return this.#finish.length;
  }
}

const settledNow = async (promise: Promise<void>) => {
  let done = false;
  promise.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 0));
  return done;
};

Deno.test("Reconfigurer: order() returns at once, the pass runs in the background", async () => {
  const passes = new Passes();
  const r = new Reconfigurer({ pass: passes.run, log: silentLogger });
  r.order("plant");
  assert.deepEqual(passes.started, ["plant"]);
  assert.deepEqual(r.stats().pending, ["plant"]);
  const settled = r.settled("plant");
  assert.equal(await settledNow(settled), false, "not in effect while its pass runs");
  await passes.end();
  assert.equal(await settledNow(settled), true);
  assert.deepEqual(r.stats(), { pending: [], passes: 1, failures: 0, failing: {} });
  assert.equal(await settledNow(r.settled("ven")), true, "nothing ordered for a kind: settled");
  await r.stop();
});

Deno.test("Reconfigurer: changes ordered during a pass get one more pass after it, kinds in parallel", async () => {
  const passes = new Passes();
  const r = new Reconfigurer({ pass: passes.run, log: silentLogger });
  r.order("plant");
  const first = r.settled("plant");
  r.order("plant");
  r.order("plant");
  const later = r.settled("plant");
  r.order("site");
  assert.deepEqual(passes.started, ["plant", "site"], "one pass per kind at a time");
  await passes.end(); // the plant pass that began before the second and third change
  assert.equal(await settledNow(first), true);
  assert.equal(await settledNow(later), false, "the later changes wait for a pass that began after them");
  assert.deepEqual(passes.started, ["plant", "site", "plant"], "one more pass for both");
  await passes.end(); // site
  await passes.end(); // plant again
  assert.equal(await settledNow(later), true);
  assert.equal(passes.running, 0);
  assert.equal(r.stats().passes, 3);
  await r.stop();
});

Deno.test("Reconfigurer: a failed pass is logged, shown and retried until one succeeds", async () => {
  const passes = new Passes();
  const errors: unknown[] = [];
  const log = { ...silentLogger, error: (_: string, fields?: unknown) => errors.push(fields) } as Logger;
  const r = new Reconfigurer({ pass: passes.run, log, backoff: { minDelayMs: 1, maxDelayMs: 1, jitter: 0 } });
  r.order("ven");
  const settled = r.settled("ven");
  await passes.end(new Error("database unavailable"));
  assert.deepEqual(r.stats().failing, { ven: "database unavailable" });
  assert.deepEqual(r.stats().pending, ["ven"]);
  assert.equal(r.stats().failures, 1);
  assert.equal(errors.length, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(passes.started, ["ven", "ven"], "retried");
  assert.equal(await settledNow(settled), false);
  await passes.end();
  assert.equal(await settledNow(settled), true);
  assert.deepEqual(r.stats(), { pending: [], passes: 1, failures: 1, failing: {} });
  await r.stop();
});

Deno.test("Reconfigurer: stop() waits for the pass under way, retries no more and releases waiters", async () => {
  const passes = new Passes();
  const r = new Reconfigurer({ pass: passes.run, log: silentLogger });
  r.order("plant");
  r.order("plant");
  const settled = r.settled("plant");
  const stopped = r.stop();
  assert.equal(await settledNow(stopped), false, "the pass under way is waited for");
  await passes.end();
  await stopped;
  assert.equal(await settledNow(settled), true, "the next start applies what is left");
  r.order("plant");
  assert.deepEqual(passes.started, ["plant"], "no pass after the stop");
});
