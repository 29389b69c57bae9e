/**
 * Finds islands in the server-rendered DOM and turns each into a Preact element with
 * its props revived; JSX props are rebuilt from the DOM between their slot markers.
 *
 * @module
 */
import { type ComponentChild, type ComponentType, h, hydrate } from "preact";
import { SlotRef } from "../serial/slot_ref.ts";
import { ISLAND_START, islandEnd, slotEnd, slotStart } from "../islands/markers.ts";
import { nodesBetween, rootFragment } from "./root_fragment.ts";

interface Found {
  start: Comment;
  end: Comment;
  element: ComponentChild;
}

/** Hydrates the islands of a page. */
export class Reviver {
  #components: Record<string, ComponentType>;
  #props: Record<string, unknown>[];

  /**
   * @param components Island components by name.
   * @param props Revived props by island id.
   */
  constructor(components: Record<string, ComponentType>, props: Record<string, unknown>[]) {
    this.#components = components;
    this.#props = props;
  }

  /** Hydrate every outermost island under `root`; islands inside them come along. */
  hydrateAll(root: Node): void {
    const found: Found[] = [];
    this.#scan(root, found);
    for (const { start, end, element } of found) hydrate(element, rootFragment(start, end));
  }

  #scan(node: Node, found: Found[]): void {
    for (let child = node.firstChild; child !== null; child = child.nextSibling) {
      if (isIslandStart(child)) {
        const island = this.#island(child);
        found.push(island);
        child = island.end;
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        this.#scan(child, found);
      }
    }
  }

  #island(start: Comment): Found {
    const [, name, rawId] = ISLAND_START.exec(start.data)!;
    const id = Number(rawId);
    const end = findSibling(start, islandEnd(id));
    const component = this.#components[name];
    if (!component) throw new Error(`Island ${name} was not loaded`);
    const props = { ...this.#props[id] };
    for (const [key, value] of Object.entries(props)) {
      if (value instanceof SlotRef) props[key] = this.#slot(nodesBetween(start, end), id, key);
    }
    return { start, end, element: h(component, props) };
  }

  #slot(region: Node[], id: number, name: string): ComponentChild[] | null {
    const open = findComment(region, slotStart(id, name));
    if (!open) return null; // the island did not render this prop
    return this.#toVNodes(nodesBetween(open, findSibling(open, slotEnd(id, name))));
  }

  /** Server HTML back to elements, so Preact hydrates it in place instead of re-creating it. */
  #toVNodes(nodes: Node[]): ComponentChild[] {
    const out: ComponentChild[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if (node.nodeType === Node.TEXT_NODE) {
        out.push((node as Text).data);
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        const el = node as Element;
        const attrs: Record<string, string> = {};
        for (const attr of el.attributes) attrs[attr.name] = attr.value;
        out.push(h(el.localName, attrs, ...this.#toVNodes([...el.childNodes])));
      } else if (isIslandStart(node)) {
        const island = this.#island(node);
        out.push(island.element);
        i = nodes.indexOf(island.end);
      }
    }
    return out;
  }
}

function isIslandStart(node: Node): node is Comment {
  return node.nodeType === Node.COMMENT_NODE && ISLAND_START.test((node as Comment).data);
}

function findSibling(start: Node, data: string): Comment {
  for (let n = start.nextSibling; n !== null; n = n.nextSibling) {
    if (n.nodeType === Node.COMMENT_NODE && (n as Comment).data === data) return n as Comment;
  }
  throw new Error(`Missing marker <!--${data}-->`);
}

function findComment(nodes: Node[], data: string): Comment | undefined {
  for (const node of nodes) {
    if (node.nodeType === Node.COMMENT_NODE && (node as Comment).data === data) return node as Comment;
    const inner = findComment([...node.childNodes], data);
    if (inner) return inner;
  }
  return undefined;
}
