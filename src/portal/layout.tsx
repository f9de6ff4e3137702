import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** What the header shows for a signed-in user. */
export interface PortalNav {
  username: string;
  isAdmin: boolean;
  /** For the logout form. */
  csrfToken: string;
}

/** Renders a page to a complete HTML document. Preact escapes every interpolated value. */
export function renderPage(title: string, body: ComponentChildren, nav?: PortalNav): string {
  return `<!doctype html>${renderToString(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Flexgate`}</title>
        <link rel="stylesheet" href="/assets/style.css" />
      </head>
      <body>
        <header>
          <a class="brand" href="/">
            Flexgate
          </a>
          {nav === undefined ? null : <Navigation nav={nav} />}
        </header>
        <main>{body}</main>
      </body>
    </html>,
  )}`;
}

function Navigation({ nav }: { nav: PortalNav }) {
  return (
    <nav aria-label="Main">
      <a href="/developers/apps">Applications</a>
      <a href="/account/apps">Connected apps</a>
      <a href="/account">Account</a>
      {nav.isAdmin ? <a href="/admin/apps">Admin</a> : null}
      <form method="post" action="/logout" class="inline">
        <input type="hidden" name="csrf_token" value={nav.csrfToken} />
        <button class="link" type="submit">
          Log out {nav.username}
        </button>
      </form>
    </nav>
  );
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
