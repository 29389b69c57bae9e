import assert from "node:assert/strict";
import { parseDotenv } from "./dotenv.ts";

Deno.test("parseDotenv() reads keys, quotes, export and comments", () => {
  const env = parseDotenv(`# comment
PORT=9000
export DATABASE_URL="postgres://u:p@h/db"
ADMIN_PASSWORD='se cret#1'
SIMULATE=off # trailing comment
not a line
`);
  assert.deepEqual(env, {
    PORT: "9000",
    DATABASE_URL: "postgres://u:p@h/db",
    ADMIN_PASSWORD: "se cret#1",
    SIMULATE: "off",
  });
});
