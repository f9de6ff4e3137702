import type { ScopeDefinition } from '../../oauth/scopes.js';
import { HiddenFields, renderPage } from './layout.js';

export interface ConsentPageProps {
  clientName: string;
  username: string;
  scopes: ScopeDefinition[];
  redirectHost: string;
  csrfToken: string;
  /** The authorization request, re-submitted with the decision and validated again. */
  request: Record<string, string | undefined>;
}

export function consentPage({
  clientName,
  username,
  scopes,
  redirectHost,
  csrfToken,
  request,
}: ConsentPageProps): string {
  return renderPage(
    `Allow ${clientName}?`,
    <>
      <h1>
        Allow <strong>{clientName}</strong> to use your account?
      </h1>
      <p class="muted">Signed in as {username}.</p>
      <p>{clientName} asks to:</p>
      <ul class="scopes">
        {scopes.map((scope) => (
          <li>
            {scope.description} <code>({scope.name})</code>
          </li>
        ))}
      </ul>
      <p class="muted">You will be sent back to {redirectHost}.</p>
      <form method="post" action="/oauth/authorize">
        <input type="hidden" name="csrf_token" value={csrfToken} />
        <HiddenFields fields={request} />
        <div class="actions">
          <button class="primary" type="submit" name="decision" value="allow">
            Allow
          </button>
          <button class="secondary" type="submit" name="decision" value="deny">
            Deny
          </button>
        </div>
      </form>
    </>,
  );
}
