/**
 * Server side of islands: swaps island components for a wrapper that writes comment
 * markers around the island and records its props for the page's boot script.
 *
 * Preact's public `options.vnode` hook sees every element as it is created; an island
 * element gets the wrapper as its type. The wrapper decides at render time: inside
 * another island (a context flag) or outside a page render it renders the component
 * as is; otherwise it marks it and records it with the current page render.
 *
 * @module
 */
import {
  type ComponentChildren,
  type ComponentType,
  createContext,
  Fragment,
  h,
  isValidElement,
  options,
  type VNode,
} from "preact";
import { useContext } from "preact/hooks";
import { isSignal } from "../serial/is_signal.ts";
import { SlotRef } from "../serial/slot_ref.ts";
import { islandEnd, islandStart, slotEnd, slotStart } from "./markers.ts";

/** An exported component of a file in `islands/`. */
export interface Island {
  /** Unique name, used in markers and the boot script. */
  name: string;
  /** The file, relative to the islands folder, `/`-separated. */
  file: string;
  /** The export the component is, e.g. `default`. */
  exportName: string;
  // deno-lint-ignore no-explicit-any
  component: ComponentType<any>;
}

/** One island rendered on a page. */
export interface IslandInstance {
  /** Its index on the page; marker ids and the props table use it. */
  id: number;
  island: Island;
  /** Its props, with JSX props replaced by {@linkcode SlotRef}s. */
  props: Record<string, unknown>;
}

const InsideIsland = createContext(false);
const wrappers = new Map<unknown, ComponentType>();
let current: IslandInstance[] | undefined;

/** Make `island.component` render as an island from now on. Registering twice is harmless. */
export function registerIsland(island: Island): void {
  if (wrappers.has(island.component)) return;
  if (wrappers.size === 0) installHook();
  wrappers.set(island.component, wrapperFor(island));
}

/**
 * Run a synchronous render and return what it produced with the islands it rendered.
 * Rendering is synchronous, so one module-level collector serves concurrent requests.
 */
export function collectIslands<T>(render: () => T): { result: T; islands: IslandInstance[] } {
  const outer = current;
  const islands: IslandInstance[] = [];
  current = islands;
  try {
    return { result: render(), islands };
  } finally {
    current = outer;
  }
}

function installHook(): void {
  const previous = options.vnode;
  options.vnode = (vnode) => {
    const wrapper = wrappers.get(vnode.type);
    if (wrapper) vnode.type = wrapper;
    previous?.(vnode);
  };
}

function wrapperFor(island: Island): ComponentType {
  const Island = (props: Record<string, unknown>) => {
    const inside = useContext(InsideIsland);
    if (inside || current === undefined) return plain(island.component, props);
    const id = current.length;
    const recorded: Record<string, unknown> = {};
    const rendered: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(props)) {
      const jsx = isJsx(value);
      recorded[name] = jsx ? new SlotRef(name) : value;
      rendered[name] = jsx ? h(Slot, { id, name }, value as ComponentChildren) : value;
    }
    current.push({ id, island, props: recorded });
    return h(Fragment, null, [
      comment(islandStart(island.name, id)),
      h(InsideIsland.Provider, { value: true }, plain(island.component, rendered)),
      comment(islandEnd(id)),
    ]);
  };
  Island.displayName = `Island(${island.name})`;
  return Island;
}

/** A JSX prop: server-rendered between markers, outside the island (so islands in it hydrate). */
function Slot({ id, name, children }: { id: number; name: string; children?: ComponentChildren }) {
  return h(Fragment, null, [
    comment(slotStart(id, name)),
    h(InsideIsland.Provider, { value: false }, children),
    comment(slotEnd(id, name)),
  ]);
}

// deno-lint-ignore no-explicit-any
function plain(component: ComponentType<any>, props: Record<string, unknown>): VNode {
  const vnode = h(component, props);
  vnode.type = component; // undo the hook's swap: this is the island itself
  return vnode;
}

function comment(text: string): VNode {
  // preact-render-to-string writes a Fragment with UNSTABLE_comment as <!--text-->.
  return h(Fragment, { UNSTABLE_comment: text } as Record<string, unknown>);
}

/** JSX, or an array holding some. Signals pass Preact's `isValidElement` (they render as text), so they are ruled out. */
function isJsx(value: unknown): boolean {
  const element = (v: unknown) => isValidElement(v) && !isSignal(v);
  return element(value) || (Array.isArray(value) && value.flat(Infinity).some(element));
}
