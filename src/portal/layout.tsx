import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** Renders a page to a complete HTML document. Preact escapes every interpolated value. */
export function renderPage(title: string, body: ComponentChildren): string {
  return `<!doctype html>${renderToString(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Flexgate`}</title>
        <link rel="stylesheet" href="/assets/style.css" />
      </head>
      <body>
        <header>Flexgate</header>
        <main>{body}</main>
      </body>
    </html>,
  )}`;
}

/** Hidden form fields, one per entry. */
export function HiddenFields({ fields }: { fields: Record<string, string | undefined> }) {
  return (
    <>
      {Object.entries(fields).map(([name, value]) =>
        value === undefined ? null : <input type="hidden" name={name} value={value} />,
      )}
    </>
  );
}
