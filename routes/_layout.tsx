import type { PageProps } from "fresh";

const NAV: readonly [label: string, href: string][] = [
  ["Dashboard", "/"],
  ["Plants", "/plants"],
  ["Offers", "/offers"],
  ["Operations", "/operations"],
  ["Alerts", "/alerts"],
  ["VENs", "/vens"],
  ["Sites", "/sites"],
  ["Audit", "/audit"],
  ["Architecture", "/architecture"],
];

function isCurrent(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(href + "/");
}

/** The header and navigation around every page. */
export default function Layout({ Component, url }: PageProps) {
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
        </div>
      </header>
      <main class="content">
        <Component />
      </main>
    </div>
  );
}
