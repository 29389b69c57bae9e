import { define } from "../state.ts";

export default define.page(({ Component, state }) => (
  <html lang="en">
    <head>
      <title>{state.title ?? "fixture"}</title>
    </head>
    <body data-app="root">
      <Component />
    </body>
  </html>
));
