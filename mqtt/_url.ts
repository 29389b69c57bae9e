/**
 * Broker URL parsing shared by the session and the publisher.
 * @module
 */

/** Where a broker is and how to log in. */
export interface BrokerAddress {
  hostname: string;
  port: number;
  username?: string;
  password?: string;
}

/**
 * Parses `mqtt://[user[:password]@]host[:port]` (or `tcp://`); the port defaults to 1883.
 *
 * @throws {TypeError} for another scheme or a malformed URL.
 */
export function parseBrokerUrl(url: string): BrokerAddress {
  let u: URL;
  try {
    u = new URL(url);
  } catch (error) {
    throw new TypeError(`Broker URL ${JSON.stringify(url)} is not a URL`, { cause: error });
  }
  if (u.protocol !== "mqtt:" && u.protocol !== "tcp:") {
    throw new TypeError(`Broker URL must start with mqtt:// or tcp://, got ${u.protocol}//`);
  }
  return {
    hostname: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: u.port ? Number(u.port) : 1883,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}

/** The URL without its password, for logs. */
export function maskBrokerUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "****";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(invalid URL)";
  }
}
