/**
 * Reads a `.env` file (KEY=value lines) so `deno task start` picks up local settings without a flag
 * that warns when the file is missing. Variables already in the environment win.
 * @module
 */

/** Parses `.env` text: `KEY=value`, optional `export `, quotes, `#` comments. */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2];
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replaceAll("\\n", "\n");
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    out[match[1]] = value;
  }
  return out;
}

/** The environment for {@linkcode loadConfig}: `.env` (if present) overlaid by the process environment. */
export async function readEnvironment(path = ".env"): Promise<Record<string, string>> {
  let file: Record<string, string> = {};
  try {
    file = parseDotenv(await Deno.readTextFile(path));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return { ...file, ...Deno.env.toObject() };
}
