import type { PageProps } from "fresh";
import type { State } from "../core/services.ts";

const NAV: readonly [label: string, href: string][] = [
  ["Dashboard", "/"],
  ["Plants", "/plants"],
  ["Offers", "/offers"],
  ["Operations", "/operations"],
  ["Alerts", "/alerts"],
  ["Alert rules", "/alert-rules"],
  ["VENs", "/vens"],
  ["Sites", "/sites"],
  ["Ingestion", "/ingestion"],
  ["Audit", "/audit"],
  ["Architecture", "/architecture"],
];

function isCurrent(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(href + "/");
}

/** Who is signed in, and the sign-out form (a plain POST: no JavaScript needed). */
function Session({ user }: { user: NonNullable<State["user"]> }) {
  return (
    <div class="session">
      <span class="session-user" title={`Signed in as ${user.username} (${user.role})`}>
        {user.username}
        <span class="session-role">{user.role}</span>
      </span>
      <form method="post" action="/api/auth/logout?next=%2Flogin">
        <button type="submit" class="session-out">Sign out</button>
      </form>
    </div>
  );
}

/** The header and navigation around every page. */
export default function Layout({ Component, url, state }: PageProps<unknown, State>) {
  return (
    <div class="shell">
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href="/">
            <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
              <rect width="32" height="32" rx="7" />
              <path d="M4 17h6l3-8 5 15 3-7h7" />
            </svg>
            GridPulse
          </a>
          <nav class="nav" aria-label="Main">
            <ul>
              {NAV.map(([label, href]) => (
                <li>
                  <a href={href} aria-current={isCurrent(url.pathname, href) ? "page" : undefined}>{label}</a>
                </li>
              ))}
            </ul>
          </nav>
          {state.user && <Session user={state.user} />}
        </div>
      </header>
      <main class="content">
        <Component />
      </main>
    </div>
  );
}
