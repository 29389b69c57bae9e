import type { PageProps } from "fresh";

/** Shown when a page fails; the message is the HttpError's, safe for users. */
export default function ErrorPage({ error }: PageProps) {
  const status = error?.status ?? 500;
  return (
    <section class="card notice">
      <p class="notice-code">{status}</p>
      <h1>{status >= 500 ? "Something went wrong" : "This request could not be served"}</h1>
      <p class="muted">{error?.message ?? "An unexpected error occurred"}</p>
      <p>
        <a class="button" href="/">Back to the dashboard</a>
      </p>
    </section>
  );
}
