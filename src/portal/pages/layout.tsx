import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';

export interface NavLink {
  href: string;
  label: string;
}

/** What the header shows for a signed-in user. */
export interface PortalNav {
  username: string;
  isAdmin: boolean;
  /** For the logout form. */
  csrfToken: string;
  /** Only pages the server actually serves to this user, so the header never shows a dead link. */
  links: readonly NavLink[];
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
      {nav.links.map((link) => (
        <a href={link.href}>{link.label}</a>
      ))}
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
