/**
 * The actor path of one Worker without MQTT, threads or a database: a {@linkcode WorkerHost} in-process
 * (actors/host/testing.ts, fake sessions, manual clock) with 1,000 plant actors on 32 shards, fed plant
 * telemetry round-robin (route, decode, transition, effects into the batch, commit, acks). Prints wall
 * time per reading for each round: on an idle machine that is the CPU the actor path costs, apart from
 * everything the full bench adds around it. Use it to judge a change to the hot path in seconds, then
 * confirm with `deno task bench --only raw,ingest`.
 *
 * Run: `deno run -A bench/host_path.ts [--plants 1000] [--rounds 100] [--repeat 8]`
 * @module
 */
import { parseArgs } from "node:util";
import { hostHarness } from "../actors/host/testing.ts";
import { PlantDetection } from "../actors/plant/config.ts";
import { plantSpec, plantTopic } from "../actors/plant/testing.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    plants: { type: "string", default: "1000" },
    rounds: { type: "string", default: "100" },
    repeat: { type: "string", default: "8" },
  },
});
const plants = Number(values.plants);
const shards = 32;
const config = {
  name: "bench plant",
  capacityMw: 1000,
  status: "online" as const,
  expectedIntervalS: 60,
  rules: [],
  detection: PlantDetection.parse({}),
};
const h = hostHarness({ start: Date.now(), settings: { batchMaxMessages: 2000, mailboxSize: 100_000 } });
const ids = Array.from(
  { length: plants },
  (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
);
for (let shard = 0; shard < shards; shard++) {
  const actors = ids.filter((_, i) => i % shards === shard).map((id) => plantSpec(id, config));
  await h.host.handle({ type: "assign", req: shard, shard, actors, unsubscribe: [] });
}
const sessions = Array.from({ length: shards }, (_, shard) => h.sessions.get(`test-shard-${shard}`)!);
const topics = ids.map(plantTopic);
let ts = Date.now();

/** Feeds `rounds` readings to every plant; returns µs per reading. */
async function round(rounds: number): Promise<number> {
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < plants; i++) {
      ts++;
      sessions[i % shards].deliver(topics[i], `{"ts":${ts},"mw":${(50 + (i % 7)).toFixed(3)}}`);
    }
    h.clock.advance(1);
    await h.commitAll();
  }
  return (performance.now() - started) * 1000 / (rounds * plants);
}

await round(20); // warm-up: the JIT, the baselines' warm-up readings
const figures: number[] = [];
for (let k = 0; k < Number(values.repeat); k++) figures.push(await round(Number(values.rounds)));
const sorted = [...figures].sort((a, b) => a - b);
console.log(`host path, ${plants} plants: ${figures.map((f) => f.toFixed(2)).join(" / ")} µs per reading`);
console.log(`median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} µs, best ${sorted[0].toFixed(2)} µs`);
Deno.exit(0);
