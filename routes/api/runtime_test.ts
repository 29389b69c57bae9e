import assert from "node:assert/strict";
import { withApi } from "../../api/testing.ts";

Deno.test("/api/runtime: the runtime's figures, or running false without one", async () => {
  await withApi("embedded", async (api) => {
    const live = await api.json<{ running: boolean; stats: { state: string; workers: number } }>(
      "GET",
      "/api/runtime",
      { as: "viewer" },
    );
    assert.equal(live.running, true);
    assert.equal(live.stats.state, "running");
    const runtime = api.services.runtime;
    api.services.runtime = undefined;
    try {
      const none = await api.json("GET", "/api/runtime", { as: "viewer" });
      assert.equal(none.running, false);
      assert.equal(none.stats, null);
    } finally {
      api.services.runtime = runtime;
    }
    await api.problem("GET", "/api/runtime", 401);
  });
});
