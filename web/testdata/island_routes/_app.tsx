import type { PageProps } from "fresh";

export default function App({ Component }: PageProps) {
  return (
    <html>
      <body>
        <Component />
      </body>
    </html>
  );
}
