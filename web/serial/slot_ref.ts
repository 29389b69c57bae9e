/**
 * Stands in for a JSX prop of an island in the serialized props: the JSX itself is
 * rendered on the server between slot markers and revived in the browser from the DOM.
 */
export class SlotRef {
  /** The prop the JSX was passed as, usually `children`. */
  readonly name: string;

  /** @param name The prop name. */
  constructor(name: string) {
    this.name = name;
  }
}
