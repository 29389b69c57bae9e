import type { PageProps } from "fresh";

/** Shown for any URL no route answers. */
export default function NotFound({ url }: PageProps) {
  return (
    <section class="card notice">
      <p class="notice-code">404</p>
      <h1>Page not found</h1>
      <p class="muted">
        Nothing lives at <code>{url.pathname}</code>.
      </p>
      <p>
        <a class="button" href="/">Back to the dashboard</a>
      </p>
    </section>
  );
}
