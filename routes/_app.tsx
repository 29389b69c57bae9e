import type { PageProps } from "fresh";

/** Set by a page's handler or by middleware; shown in the browser tab. */
interface TitleState {
  title?: string;
}

const ICON = "data:image/svg+xml," + encodeURIComponent(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0f766e"/><path d="M4 17h6l3-8 5 15 3-7h7" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/></svg>`,
);

/** The HTML document every page renders in. */
export default function App({ Component, state }: PageProps<unknown, TitleState>) {
  const title = state.title ? `${state.title} · GridPulse` : "GridPulse";
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="icon" href={ICON} />
        <link rel="stylesheet" href="/styles.css" />
        <link rel="stylesheet" href="/widgets.css" />
      </head>
      <body>
        <Component />
      </body>
    </html>
  );
}
