/**
 * Topic -> route (and actor key) with a bounded cache: topics repeat (one per actor), so parsing each
 * message's topic again, and building its actor key, would cost per message.
 * @module
 */
import { parseTopic, type TopicRoute } from "../domain/telemetry.ts";

/** A parsed topic and the key (`kind:id`) of the actor it addresses. */
export interface Routed {
  route: TopicRoute;
  key: string;
}

/** A cache of parsed topics, cleared when it passes `limit` entries (ids come and go). */
export class RouteCache {
  #routes = new Map<string, Routed | null>();
  #limit: number;

  constructor(limit = 100_000) {
    this.#limit = limit;
  }

  /** The route of `topic`, or null when GridPulse does not consume it. */
  get(topic: string): Routed | null {
    let routed = this.#routes.get(topic);
    if (routed === undefined) {
      if (this.#routes.size >= this.#limit) this.#routes.clear();
      const route = parseTopic(topic);
      routed = route ? { route, key: `${route.kind}:${route.id}` } : null;
      this.#routes.set(topic, routed);
    }
    return routed;
  }
}
