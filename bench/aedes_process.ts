/**
 * The embedded broker (mqtt/broker.ts, aedes) in its own process for the bench:
 * `deno run -A bench/aedes_process.ts PORT`. Its own process so its CPU is measured apart from the app's.
 * @module
 */
import { startEmbeddedBroker } from "../mqtt/broker.ts";
import { silentLogger } from "../core/log.ts";

if (import.meta.main) {
  const broker = await startEmbeddedBroker({ port: Number(Deno.args[0]), log: silentLogger });
  Deno.addSignalListener("SIGTERM", async () => {
    await broker.close();
    Deno.exit(0);
  });
}
