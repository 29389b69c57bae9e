/**
 * GridPulse's entry point: `deno task start`. Reads the configuration once (environment over `.env`),
 * starts everything, and stops cleanly on SIGINT/SIGTERM.
 * @module
 */
import { ConfigError, loadConfig } from "./core/config.ts";
import { readEnvironment } from "./core/dotenv.ts";
import { startGridPulse } from "./core/boot.ts";
import { StoreUnavailableError } from "./core/errors.ts";

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
      if (stopping) return;
      stopping = true;
      console.log("GridPulse is stopping");
      await running.stop();
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
