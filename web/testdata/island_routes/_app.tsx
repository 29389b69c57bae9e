import type { PageProps } from "fresh";

export default function App({ Component }: PageProps) {
  return (
    <html>
      <head>
        <link rel="icon" href="data:," />
      </head>
      <body>
        <Component />
      </body>
    </html>
  );
}
