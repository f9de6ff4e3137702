import type { ConnectedApp } from '../domain/connected-apps.js';
import { type PortalNav, renderPage } from './layout.js';

export interface ConnectedAppsPageProps {
  apps: ConnectedApp[];
  nav: PortalNav;
  /** The name of the app just revoked, for the confirmation. */
  revokedName?: string | undefined;
}

const UTC_FORMAT = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "23 Nov 2026, 20:37 UTC": the server cannot know the reader's time zone, so it says which one it uses. */
export const formatUtc = (epochMs: number): string => `${UTC_FORMAT.format(new Date(epochMs))} UTC`;

function When({ at }: { at: number }) {
  return <time datetime={new Date(at).toISOString()}>{formatUtc(at)}</time>;
}

function AppEntry({ app, csrfToken }: { app: ConnectedApp; csrfToken: string }) {
  return (
    <li class="card">
      <h2>
        {app.name} <span class="muted">({app.environment})</span>
      </h2>
      <p>It can:</p>
      <ul class="scopes">
        {app.scopes.map((scope) => (
          <li>
            {scope.description} <code>({scope.name})</code>
          </li>
        ))}
      </ul>
      <p class="muted">
        Allowed <When at={app.grantedAt} />
        {app.updatedAt === app.grantedAt ? null : (
          <>
            , last updated <When at={app.updatedAt} />
          </>
        )}
        .
      </p>
      <form method="post" action={`/account/apps/${encodeURIComponent(app.clientId)}/revoke`}>
        <input type="hidden" name="csrf_token" value={csrfToken} />
        <button class="danger" type="submit" aria-label={`Revoke access for ${app.name}`}>
          Revoke access
        </button>
      </form>
    </li>
  );
}

export function connectedAppsPage({ apps, nav, revokedName }: ConnectedAppsPageProps): string {
  return renderPage(
    'Connected apps',
    <>
      <h1>Connected apps</h1>
      {revokedName === undefined ? null : (
        <p class="notice" role="status">
          {revokedName} can no longer use your account. It will ask for your permission again if you use it.
        </p>
      )}
      {apps.length === 0 ? (
        <p>No apps are connected to your account. When you allow an app to use your account, it is listed here.</p>
      ) : (
        <>
          <p>These apps can use your account. Revoking access signs the app out at once.</p>
          <ul class="apps">
            {apps.map((app) => (
              <AppEntry app={app} csrfToken={nav.csrfToken} />
            ))}
          </ul>
        </>
      )}
    </>,
    nav,
  );
}
