/**
 * GridPulse's entry point: `deno task start`. Reads the configuration once (environment over `.env`),
 * starts everything, and stops cleanly on SIGINT/SIGTERM.
 * @module
 */
import { ConfigError, loadConfig } from "./core/config.ts";
import { readEnvironment } from "./core/dotenv.ts";
import { startGridPulse } from "./core/boot.ts";
import { StoreUnavailableError } from "./core/errors.ts";

/** How long a clean stop may take before the process exits anyway. */
const STOP_GRACE_MS = 20_000;

if (import.meta.main) {
  let config;
  try {
    config = loadConfig(await readEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    Deno.exit(2);
  }
  try {
    const running = await startGridPulse(config);
    let stopping = false;
    const stop = async () => {
      if (stopping) {
        console.error("GridPulse: second signal, exiting without waiting");
        Deno.exit(130);
      }
      stopping = true;
      console.log("GridPulse is stopping (a second Ctrl-C exits at once)");
      // Bounded: what was acknowledged is committed already; a store that does not answer must not
      // keep the process (a container runtime would kill it anyway). The runtime stops first (its
      // supervisor waits up to 10 s, then the series outbox up to 3 s for InfluxDB), the series sink
      // then flushes for up to 3 s: readings InfluxDB has not confirmed by then stay in series_outbox.
      const deadline = setTimeout(() => {
        console.error(`GridPulse did not stop within ${STOP_GRACE_MS / 1000} s; exiting`);
        Deno.exit(1);
      }, STOP_GRACE_MS);
      await running.stop();
      clearTimeout(deadline);
      Deno.exit(0);
    };
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGTERM", stop);
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      console.error(`GridPulse cannot start: ${error.message}`);
      Deno.exit(1);
    }
    throw error;
  }
}
