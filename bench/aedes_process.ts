/**
 * The embedded broker (aedes) in its own process for the bench: `deno run -A bench/aedes_process.ts PORT`
 * prints `ready` once it listens. Its own process so its CPU is measured apart from the app's.
 * @module
 */
import { Aedes } from "aedes";
import net from "node:net";

if (import.meta.main) {
  const port = Number(Deno.args[0]);
  // The same limits as GridPulse's embedded broker (mqtt/broker.ts): deliver 1000 at a time, queue more.
  const aedes = await Aedes.createBroker({ concurrency: 1000, queueLimit: 10_000 });
  const server = net.createServer(aedes.handle);
  server.listen(port, "127.0.0.1", () => console.log("ready"));
  Deno.addSignalListener("SIGTERM", () => Deno.exit(0));
}
