/** The developer portal's application pages: list, create/edit form, credentials, delete, admin list. */

import type { ClientRecord, Environment } from '../../oauth/ports.js';
import { GRANT_TYPES } from '../../oauth/ports.js';
import type { ScopeDefinition } from '../../oauth/scopes.js';
import { type FieldErrors, fieldMessage } from '../../shared/field-errors.js';
import type { AppInput, AppWithClients, GracePeriod } from '../domain/apps.js';
import type { AppRecord } from '../domain/ports.js';
import { MAX_APP_DESCRIPTION_LENGTH, MAX_APP_NAME_LENGTH } from '../domain/validation.js';
import { type PortalNav, renderPage } from './layout.js';

const ENV_LABELS: Record<Environment, string> = { sandbox: 'Sandbox', live: 'Live' };
const GRANT_LABELS: Record<string, string> = {
  authorization_code: 'Authorization code (users sign in and allow)',
  refresh_token: 'Refresh token',
  client_credentials: 'Client credentials (server to server)',
};
const GRACE_LABELS: Record<GracePeriod, string> = {
  none: 'None: the old secret stops working at once',
  '1h': '1 hour',
  '24h': '24 hours',
  '7d': '7 days',
};

/** Server-rendered without JavaScript, so the reader's time zone is unknown: UTC, said so. */
const formatDate = (millis: number) => `${new Date(millis).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const Csrf = ({ nav }: { nav: PortalNav }) => <input type="hidden" name="csrf_token" value={nav.csrfToken} />;

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message === undefined ? null : (
    <p class="field-error" id={id} role="alert">
      {message}
    </p>
  );
}

/* ----- list ----- */

export function appListPage(nav: PortalNav, apps: AppRecord[]): string {
  return renderPage(
    'Applications',
    <>
      <h1>Applications</h1>
      <p>Each application has two sets of credentials: one for the sandbox and one for live.</p>
      {apps.length === 0 ? (
        <p class="muted">You have no applications yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {apps.map((app) => (
              <tr>
                <td>
                  <a href={`/developers/apps/${encodeURIComponent(app.id)}`}>{app.name}</a>
                  {app.disabledAt === null ? null : <span class="muted"> (disabled by an administrator)</span>}
                </td>
                <td>{formatDate(app.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="actions">
        <a class="button primary" href="/developers/apps/new">
          Create an application
        </a>
      </div>
    </>,
    nav,
  );
}

/* ----- create / edit ----- */

export interface AppFormProps {
  /** The scopes an application may ask for (the scope catalogue). */
  scopes: readonly ScopeDefinition[];
  nav: PortalNav;
  /** Undefined for a new application. */
  appId?: string | undefined;
  values: AppInput;
  errors?: FieldErrors;
}

export function appFormPage({ nav, appId, values, errors = {}, scopes }: AppFormProps): string {
  const title = appId === undefined ? 'Create an application' : `Edit ${values.name}`;
  const action = appId === undefined ? '/developers/apps/new' : `/developers/apps/${encodeURIComponent(appId)}/edit`;
  const describedBy = (field: keyof AppInput, help?: string) =>
    [help, errors[field] === undefined ? undefined : `${field}-error`].filter(Boolean).join(' ') || undefined;
  return renderPage(
    title,
    <>
      <h1>{appId === undefined ? 'Create an application' : 'Edit application'}</h1>
      <form method="post" action={action}>
        <Csrf nav={nav} />
        <label for="name">Name</label>
        <input
          id="name"
          name="name"
          type="text"
          required
          maxLength={MAX_APP_NAME_LENGTH}
          value={values.name}
          aria-invalid={errors.name === undefined ? undefined : 'true'}
          aria-describedby={describedBy('name')}
        />
        <FieldError id="name-error" message={fieldMessage(errors, 'name')} />

        <label for="description">Description</label>
        <textarea
          id="description"
          name="description"
          rows={3}
          maxLength={MAX_APP_DESCRIPTION_LENGTH}
          aria-describedby={describedBy('description')}
        >
          {values.description}
        </textarea>
        <FieldError id="description-error" message={fieldMessage(errors, 'description')} />

        <label for="redirect_uris">Redirect URIs</label>
        <textarea
          id="redirect_uris"
          name="redirect_uris"
          rows={3}
          aria-invalid={errors.redirectUris === undefined ? undefined : 'true'}
          aria-describedby={describedBy('redirectUris', 'redirect_uris-help')}
        >
          {values.redirectUris.join('\n')}
        </textarea>
        <p class="muted" id="redirect_uris-help">
          One per line. https, or http for localhost and 127.0.0.1; no #fragment.
        </p>
        <FieldError id="redirectUris-error" message={fieldMessage(errors, 'redirectUris')} />

        <fieldset aria-describedby={describedBy('scopes')}>
          <legend>Scopes the application may request</legend>
          {scopes.map((scope) => (
            <label class="check">
              <input type="checkbox" name="scopes" value={scope.name} checked={values.scopes.includes(scope.name)} />{' '}
              <code>{scope.name}</code> <span class="muted">{scope.description}</span>
            </label>
          ))}
        </fieldset>
        <FieldError id="scopes-error" message={fieldMessage(errors, 'scopes')} />

        <fieldset aria-describedby={describedBy('grantTypes')}>
          <legend>Grant types</legend>
          {GRANT_TYPES.map((grant) => (
            <label class="check">
              <input type="checkbox" name="grant_types" value={grant} checked={values.grantTypes.includes(grant)} />{' '}
              {GRANT_LABELS[grant] ?? grant}
            </label>
          ))}
        </fieldset>
        <FieldError id="grantTypes-error" message={fieldMessage(errors, 'grantTypes')} />

        <div class="actions">
          <button class="primary" type="submit">
            {appId === undefined ? 'Create application' : 'Save changes'}
          </button>
          <a href={appId === undefined ? '/developers/apps' : `/developers/apps/${encodeURIComponent(appId)}`}>
            Cancel
          </a>
        </div>
      </form>
    </>,
    nav,
  );
}

/* ----- one application ----- */

export interface AppPageProps {
  nav: PortalNav;
  app: AppWithClients;
  /** Secrets just issued (after create or rotate): shown on this response only, never stored in clear. */
  secrets?: Partial<Record<Environment, string>>;
  notice?: string;
  /** The server's clock, to tell whether a previous secret still works. */
  now: number;
  /** The public base URL, for the copyable first requests. */
  issuer: string;
}

export function appPage({ nav, app, secrets = {}, notice, now, issuer }: AppPageProps): string {
  const base = `/developers/apps/${encodeURIComponent(app.app.id)}`;
  return renderPage(
    app.app.name,
    <>
      <h1>{app.app.name}</h1>
      {notice === undefined ? null : <p role="status">{notice}</p>}
      {app.app.disabledAt === null ? null : (
        <p class="error" role="alert">
          An administrator disabled this application on {formatDate(app.app.disabledAt)}: its credentials no longer
          work.
        </p>
      )}
      {app.app.description === '' ? null : <p>{app.app.description}</p>}
      <dl>
        <dt>Redirect URIs</dt>
        <dd>{app.sandbox.redirectUris.length === 0 ? 'none' : app.sandbox.redirectUris.join(', ')}</dd>
        <dt>Scopes</dt>
        <dd>{app.sandbox.scopes.join(' ')}</dd>
        <dt>Grant types</dt>
        <dd>{app.sandbox.grantTypes.join(', ')}</dd>
      </dl>
      <Credentials client={app.sandbox} secret={secrets.sandbox} now={now} />
      <Credentials client={app.live} secret={secrets.live} now={now} />
      <FirstCall client={app.sandbox} issuer={issuer} />
      <h2>Rotate a secret</h2>
      <form method="post" action={`${base}/rotate`}>
        <Csrf nav={nav} />
        <label for="environment">Environment</label>
        <select id="environment" name="environment">
          <option value="sandbox">Sandbox</option>
          <option value="live">Live</option>
        </select>
        <label for="grace">Keep the old secret working for</label>
        <select id="grace" name="grace">
          {(Object.keys(GRACE_LABELS) as GracePeriod[]).map((grace) => (
            <option value={grace} selected={grace === '24h'}>
              {GRACE_LABELS[grace]}
            </option>
          ))}
        </select>
        <div class="actions">
          <button class="primary" type="submit">
            Rotate secret
          </button>
        </div>
      </form>
      <div class="actions">
        <a href={`${base}/edit`}>Edit application</a>
        <a href={`${base}/delete`}>Delete application</a>
        <a href="/developers/apps">All applications</a>
      </div>
    </>,
    nav,
  );
}

function Credentials({ client, secret, now }: { client: ClientRecord; secret: string | undefined; now: number }) {
  const env = client.environment;
  return (
    <section aria-labelledby={`${env}-heading`}>
      <h2 id={`${env}-heading`}>{ENV_LABELS[env]} credentials</h2>
      <p class="muted">Tokens issued with these credentials carry env={env}.</p>
      <p>
        <label for={`${env}-client-id`}>Client ID</label>
        <input id={`${env}-client-id`} type="text" readOnly value={client.id} class="secret" />
      </p>
      {secret === undefined ? (
        <p class="muted">
          The client secret is only shown once, right after it was issued. Lost it? Rotate it.
          {client.previousSecretExpiresAt !== null && client.previousSecretExpiresAt > now
            ? ` The previous secret works until ${formatDate(client.previousSecretExpiresAt)}.`
            : ''}
        </p>
      ) : (
        <>
          <label for={`${env}-client-secret`}>Client secret</label>
          <input id={`${env}-client-secret`} type="text" readOnly value={secret} class="secret" />
          <p class="notice" role="alert">
            Copy the {env} secret now: it will not be shown again.
          </p>
        </>
      )}
    </section>
  );
}

/** The seeds' first steps with this app's sandbox client filled in, and where to go next. */
function FirstCall({ client, issuer }: { client: ClientRecord; issuer: string }) {
  const canUseClientCredentials = client.grantTypes.includes('client_credentials');
  return (
    <section aria-labelledby="first-call-heading">
      <h2 id="first-call-heading">Make your first call</h2>
      {canUseClientCredentials ? (
        <>
          <p>Get a sandbox token with the client credentials, then call the API with it:</p>
          <pre>
            <code>
              {`curl -X POST ${issuer}/oauth2/token \\
  -d grant_type=client_credentials -d client_id=${client.id} -d client_secret=$CLIENT_SECRET
`}
              {`curl ${issuer}/api/v0.0.1/contacts -H "Authorization: Bearer $ACCESS_TOKEN"`}
            </code>
          </pre>
        </>
      ) : (
        <p>
          Send a user to <code>{`${issuer}/oauth/authorize?response_type=code&client_id=${client.id}&…`}</code>, then
          exchange the code at <code>{`${issuer}/oauth2/token`}</code>.
        </p>
      )}
      <ul>
        <li>
          <a href="/docs">API reference</a>: every operation, with “Authorize” and “Try it out”.
        </li>
        <li>
          <a href="/postman.json">Postman collection</a>: import it and set <code>client_id</code> and{' '}
          <code>client_secret</code>.
        </li>
        <li>
          From a terminal:{' '}
          <code>{`flexgate login --base-url ${issuer} --client-id ${client.id} --scope "${client.scopes.join(' ')}"`}</code>{' '}
          (register <code>http://127.0.0.1/callback</code> as a redirect URI first: any port is then accepted).
        </li>
        <li>
          In TypeScript: the <code>@flexgate/client</code> SDK refreshes and rotates tokens by itself.
        </li>
      </ul>
    </section>
  );
}

/* ----- delete ----- */

export function deleteAppPage(nav: PortalNav, app: AppRecord): string {
  const base = `/developers/apps/${encodeURIComponent(app.id)}`;
  return renderPage(
    `Delete ${app.name}`,
    <>
      <h1>Delete {app.name}?</h1>
      <p>
        Both its sandbox and live credentials stop working, and every token issued to it is revoked. This cannot be
        undone.
      </p>
      <form method="post" action={`${base}/delete`}>
        <Csrf nav={nav} />
        <div class="actions">
          <button class="danger" type="submit">
            Delete application
          </button>
          <a href={base}>Cancel</a>
        </div>
      </form>
    </>,
    nav,
  );
}

/* ----- admin ----- */

export function adminAppsPage(nav: PortalNav, apps: { app: AppRecord; ownerName: string }[], notice?: string): string {
  return renderPage(
    'All applications',
    <>
      <h1>All applications</h1>
      {notice === undefined ? null : <p role="status">{notice}</p>}
      {apps.length === 0 ? (
        <p class="muted">No applications yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Owner</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {apps.map(({ app, ownerName }) => (
              <tr>
                <td>{app.name}</td>
                <td>{ownerName}</td>
                <td>{formatDate(app.createdAt)}</td>
                <td>
                  {app.disabledAt !== null ? (
                    `Disabled ${formatDate(app.disabledAt)}`
                  ) : (
                    <form method="post" action={`/admin/apps/${encodeURIComponent(app.id)}/disable`} class="inline">
                      <Csrf nav={nav} />
                      <button class="danger" type="submit" aria-label={`Disable ${app.name}`}>
                        Disable
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>,
    nav,
  );
}
