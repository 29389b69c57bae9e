/**
 * Measures the two ways to acknowledge a QoS 1 message only after its commit (issue 7):
 *
 * - `mqttjs`: mqtt.js with `handleMessage`'s callback deferred until the commit. mqtt.js handles the
 *   packets of a connection one at a time and sends the PUBACK from that callback, so each session has
 *   one message in flight per commit.
 * - `pipelined`: mqtt/session.ts, which hands every PUBLISH over as it is parsed and sends the PUBACKs
 *   in arrival order once acked, so one commit releases every message that arrived meanwhile.
 * - `raw`: the pipelined session acking at once (no commit), for reference.
 *
 * The commit is simulated by one group committer shared by all sessions: while a commit of
 * `--commit-ms` runs, new messages wait for the next one (what actors/writer.ts does with PostgreSQL).
 * A private Mosquitto with the repo's no-drop test config serves the run.
 *
 * Run: `deno run -A bench/ack_path.ts [--shards 8] [--messages 20000] [--commit-ms 5]`
 * @module
 */
import mqtt from "mqtt";
import { parseArgs } from "node:util";
import { MqttSession } from "../mqtt/session.ts";
import { startMosquitto } from "../mqtt/testing.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    shards: { type: "string", default: "8" },
    messages: { type: "string", default: "20000" },
    "commit-ms": { type: "string", default: "5" },
    "time-limit-s": { type: "string", default: "30" },
  },
});
const SHARDS = Number(values.shards);
const MESSAGES = Number(values.messages);
const COMMIT_MS = Number(values["commit-ms"]);
const TIME_LIMIT_MS = Number(values["time-limit-s"]) * 1000;

/** One group commit at a time; whatever arrives meanwhile waits for the next. */
class GroupCommitter {
  #pending: (() => void)[] = [];
  #busy = false;
  commits = 0;
  add(release: () => void): void {
    this.#pending.push(release);
    if (!this.#busy) this.#commit();
  }
  #commit(): void {
    const batch = this.#pending.splice(0);
    this.#busy = true;
    setTimeout(() => {
      this.commits++;
      for (const release of batch) release();
      this.#busy = false;
      if (this.#pending.length > 0) this.#commit();
    }, COMMIT_MS);
  }
}

type Variant = "raw" | "pipelined" | "mqttjs";

async function run(
  variant: Variant,
  url: string,
): Promise<{ rate: number; received: number; commits: number }> {
  const committer = new GroupCommitter();
  const run = crypto.randomUUID().slice(0, 6);
  let received = 0;
  const closers: (() => Promise<void>)[] = [];
  for (let s = 0; s < SHARDS; s++) {
    const filter = `bench/${run}/${s}/#`;
    if (variant === "mqttjs") {
      const client = await mqtt.connectAsync(url, {
        clientId: `bench-${run}-${s}`,
        clean: false,
        protocolVersion: 4,
      });
      client.handleMessage = (_packet, callback) => {
        received++;
        committer.add(() => callback());
      };
      await client.subscribeAsync(filter, { qos: 1 });
      closers.push(() => client.endAsync());
    } else {
      const session: MqttSession = new MqttSession({
        url,
        clientId: `bench-${run}-${s}`,
        onMessage: (message) => {
          received++;
          if (variant === "raw") session.ack(message.seq);
          else committer.add(() => session.ack(message.seq));
        },
      });
      session.start();
      await session.ready(5_000);
      await session.subscribe([filter]);
      closers.push(() => session.close());
    }
  }
  const publisher = new MqttSession({ url, clientId: `bench-${run}-pub`, clean: true });
  publisher.start();
  await publisher.ready(5_000);
  const started = performance.now();
  const payload = JSON.stringify({ ts: Date.now(), mw: 12.5 });
  const publishes: Promise<void>[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    publishes.push(publisher.publish(`bench/${run}/${i % SHARDS}/p`, payload));
  }
  const deadline = started + TIME_LIMIT_MS;
  // "Done" = every message delivered and acknowledged: the publisher's last PUBACK is not enough,
  // so wait until the broker has nothing in flight for the subscribers (all received + committed).
  while (received < MESSAGES && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  await new Promise((r) => setTimeout(r, COMMIT_MS * 2));
  const elapsed = (performance.now() - started) / 1000;
  await Promise.race([Promise.all(publishes), new Promise((r) => setTimeout(r, 1_000))]);
  await publisher.close();
  for (const close of closers) await close();
  return { rate: Math.round(received / elapsed), received, commits: committer.commits };
}

if (import.meta.main) {
  const broker = await startMosquitto();
  try {
    console.log(`shards=${SHARDS} messages=${MESSAGES} commit=${COMMIT_MS} ms (Mosquitto ${broker.url})`);
    for (const variant of ["raw", "pipelined", "mqttjs"] as const) {
      const r = await run(variant, broker.url);
      console.log(
        `${variant.padEnd(10)} ${
          String(r.rate).padStart(7)
        } msg/s  received ${r.received}/${MESSAGES}  commits ${r.commits}`,
      );
    }
  } finally {
    await broker.close();
  }
}
