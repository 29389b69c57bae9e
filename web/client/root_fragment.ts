/**
 * A stand-in parent node covering the nodes between an island's two markers, so Preact
 * can hydrate and re-render an island that shares its real parent with other content.
 *
 * @module
 */

/** The nodes strictly between `start` and `end` (siblings). */
export function nodesBetween(start: Node, end: Node): ChildNode[] {
  const nodes: ChildNode[] = [];
  for (let n = start.nextSibling; n !== null && n !== end; n = n.nextSibling) nodes.push(n);
  return nodes;
}

/**
 * A fake element whose children are the nodes between `start` and `end`. Preact only
 * uses the members defined here on the parent it renders into.
 */
export function rootFragment(start: Comment, end: Comment): Element {
  const parent = start.parentNode as Element;
  const inside = (node: Node | null): node is Node =>
    node !== null && node.parentNode === parent &&
    (start.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0 &&
    (end.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING) !== 0;
  const fragment = {
    nodeType: 1,
    parentNode: parent,
    namespaceURI: parent.namespaceURI,
    get firstChild() {
      const first = start.nextSibling;
      return first === end ? null : first;
    },
    get childNodes() {
      return nodesBetween(start, end);
    },
    // Preact walks siblings past comments, so a reference node may lie beyond `end`.
    insertBefore: (node: Node, before: Node | null) =>
      parent.insertBefore(node, inside(before) ? before : end),
    appendChild: (node: Node) => parent.insertBefore(node, end),
    removeChild: (node: Node) => parent.removeChild(node),
  };
  return fragment as unknown as Element;
}
