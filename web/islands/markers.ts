/**
 * The HTML comments that delimit islands and their slots, written by the server and
 * read by the browser runtime.
 *
 * ```html
 * <!--frsh:island:LiveClock:0-->  ...island HTML...  <!--/frsh:island:0-->
 * <!--frsh:slot:0:children-->     ...JSX prop...     <!--/frsh:slot:0:children-->
 * ```
 *
 * @module
 */

/** Opens island `id` (its index in the page's props table). */
export const islandStart = (name: string, id: number): string => `frsh:island:${name}:${id}`;
/** Closes island `id`. */
export const islandEnd = (id: number): string => `/frsh:island:${id}`;
/** Opens the JSX prop `name` of island `id`. */
export const slotStart = (id: number, name: string): string => `frsh:slot:${id}:${name}`;
/** Closes the JSX prop `name` of island `id`. */
export const slotEnd = (id: number, name: string): string => `/frsh:slot:${id}:${name}`;

/** Reads an island start marker: `[, name, id]`. */
export const ISLAND_START: RegExp = /^frsh:island:([^:]+):(\d+)$/;
