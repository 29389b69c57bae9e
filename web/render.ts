/**
 * Renders a page: the component inside its layouts inside `_app`, to HTML, with the
 * boot script for its islands.
 *
 * @module
 */
import { type FunctionComponent, h } from "preact";
import { renderToString } from "preact-render-to-string";
import { readManifest } from "./build/manifest.ts";
import { bootScript } from "./islands/boot_script.ts";
import { collectIslands } from "./islands/island_render.ts";
import type { PageInit } from "./page.ts";
import type { PageComponent, PageProps, RouteConfig } from "./types.ts";

/** A component with its route config: a page, a layout, `_error` or `_404`. */
export interface ConfiguredComponent {
  component: PageComponent;
  config: RouteConfig;
}

/** What a page renders inside, outer first. */
export interface PageFrame {
  /** `_app.tsx`, if any. */
  app?: ConfiguredComponent;
  /** The `_layout.tsx` files of the folders above the page, outer first. */
  layouts: readonly ConfiguredComponent[];
}

/** Renders pages for one app. */
export interface RenderOptions {
  /** Where the island bundles and their manifest are. */
  outDir: string;
}

const Empty: FunctionComponent = () => null;

/** Render `page` with `props` into an HTML response. */
export async function renderPage(
  page: ConfiguredComponent,
  frame: PageFrame,
  props: Omit<PageProps, "Component">,
  init: PageInit,
  options: RenderOptions,
): Promise<Response> {
  const layouts = page.config.skipInheritedLayouts ? [] : inheritedLayouts(frame.layouts);
  const skipApp = [page, ...layouts].some((c) => c.config.skipAppWrapper);
  const wrappers = frame.app && !skipApp ? [frame.app, ...layouts] : layouts;
  let content: FunctionComponent = () => h(page.component, { ...props, Component: Empty });
  for (const wrapper of wrappers.toReversed()) {
    const Component = content;
    content = () => h(wrapper.component, { ...props, Component });
  }
  const { result, islands } = collectIslands(() => renderToString(h(content, null)));
  let html = "<!DOCTYPE html>" + result;
  if (islands.length > 0) html = beforeBodyEnd(html, bootScript(islands, await readManifest(options.outDir)));
  const headers = new Headers(init.headers);
  if (!headers.has("Content-Type")) headers.set("Content-Type", "text/html; charset=utf-8");
  return new Response(html, { status: init.status ?? 200, headers });
}

/** A layout with `skipInheritedLayouts` drops the layouts above it. */
function inheritedLayouts(layouts: readonly ConfiguredComponent[]): readonly ConfiguredComponent[] {
  const cut = layouts.findLastIndex((l) => l.config.skipInheritedLayouts);
  return cut === -1 ? layouts : layouts.slice(cut);
}

function beforeBodyEnd(html: string, insert: string): string {
  const at = html.lastIndexOf("</body>");
  return at === -1 ? html + insert : html.slice(0, at) + insert + html.slice(at);
}
