/**
 * The API docs page: Swagger UI served from the local `swagger-ui-dist` package (no CDN, works offline)
 * and pointed at `/api/schema`. The files are read once and kept in memory.
 * @module
 */
import getAbsoluteFSPath from "swagger-ui-dist/absolute-path.js";

const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-16x16.png": "image/png",
  "favicon-32x32.png": "image/png",
};

// Our own script rather than an inline one, so the page runs under a CSP without 'unsafe-inline' scripts.
const INIT_JS = `window.ui = SwaggerUIBundle({
  url: "/api/schema",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`;

/** The docs page. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>GridPulse API</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>
`;

/** Headers of the docs page: everything from this origin only. */
export const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; " +
  "script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

const cache = new Map<string, Promise<Uint8Array>>();

/** A docs asset by file name, or undefined for a name that is not one. */
export async function docsAsset(name: string): Promise<{ body: Uint8Array; type: string } | undefined> {
  if (name === "init.js") {
    return { body: new TextEncoder().encode(INIT_JS), type: "text/javascript; charset=utf-8" };
  }
  const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!type) return undefined;
  let body = cache.get(name);
  if (!body) {
    body = Deno.readFile(`${getAbsoluteFSPath()}/${name}`);
    cache.set(name, body);
    body.catch(() => cache.delete(name));
  }
  return { body: await body, type };
}
