/**
 * Driving the developer portal's application pages the way a person does: read the form the server renders
 * (its CSRF token), post it, and read the credentials off the page that comes back.
 */
import type { Environment } from '../../src/oauth/ports.js';
import { type Browser, elements, hiddenFields, type Page } from './browser-flow.js';
import { type ClientCredentials, tokenRequest } from './oauth-client.js';

export interface AppForm {
  name?: string;
  description?: string;
  redirect_uris?: string;
  scopes?: string[];
  grant_types?: string[];
}

export const DEFAULT_APP_FORM: Required<AppForm> = {
  name: 'Shop sync',
  description: 'Keeps the shop in sync',
  redirect_uris: 'https://shop.example.com/cb\nhttp://localhost:3000/cb',
  scopes: ['read:contacts', 'write:messages'],
  grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
};

/** The form body as a browser encodes it: repeated checkboxes become repeated keys. */
export function formBody(fields: Record<string, string>, form: AppForm): URLSearchParams {
  const body = new URLSearchParams(fields);
  for (const key of ['name', 'description', 'redirect_uris'] as const) {
    const value = form[key];
    if (value !== undefined) body.append(key, value);
  }
  for (const scope of form.scopes ?? []) body.append('scopes', scope);
  for (const grant of form.grant_types ?? []) body.append('grant_types', grant);
  return body;
}

/** POSTs a form body that may repeat keys (Browser.post takes a plain record). */
export async function postRaw(browser: Browser, path: string, body: URLSearchParams): Promise<Page> {
  const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const response = await fetch(new URL(path, browser.baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: body.toString(),
  });
  const location = response.headers.get('location');
  return {
    status: response.status,
    headers: response.headers,
    location: location === null ? undefined : new URL(location, browser.baseUrl),
    setCookies: response.headers.getSetCookie(),
    html: await response.text(),
  };
}

export const csrfOf = (html: string): string => hiddenFields(html).csrf_token ?? '';

export interface PortalCredentials {
  clientId: string;
  /** Only on the page right after creation or rotation. */
  clientSecret: string | undefined;
}

/** The credentials an application page shows, per environment. */
export function credentialsOn(html: string): Record<Environment, PortalCredentials> {
  const inputs = elements(html, 'input');
  const value = (id: string) => inputs.find((input) => input.id === id)?.value;
  const read = (env: Environment): PortalCredentials => ({
    clientId: value(`${env}-client-id`) ?? '',
    clientSecret: value(`${env}-client-secret`),
  });
  return { sandbox: read('sandbox'), live: read('live') };
}

/** The application id, read off the rotate form of its page. */
export function appIdOn(html: string): string {
  const action = elements(html, 'form').find((form) => form.action?.endsWith('/rotate'))?.action ?? '';
  const match = /^\/developers\/apps\/([^/]+)\/rotate$/.exec(action);
  if (match === null) throw new Error(`no application page: ${html.slice(0, 300)}`);
  return decodeURIComponent(match[1] ?? '');
}

export interface CreatedPortalApp {
  appId: string;
  credentials: Record<Environment, PortalCredentials & { clientSecret: string }>;
  page: Page;
}

/** Creates an application through the form and returns what its page showed. */
export async function createAppViaPortal(
  browser: Browser,
  form: AppForm = DEFAULT_APP_FORM,
): Promise<CreatedPortalApp> {
  const formPage = await browser.get('/developers/apps/new');
  if (formPage.status !== 200) throw new Error(`GET /developers/apps/new: ${formPage.status}`);
  const page = await postRaw(browser, '/developers/apps/new', formBody({ csrf_token: csrfOf(formPage.html) }, form));
  if (page.status !== 201) throw new Error(`create failed: ${page.status} ${page.html.slice(0, 500)}`);
  const shown = credentialsOn(page.html);
  const withSecret = (env: Environment) => {
    const secret = shown[env].clientSecret;
    if (secret === undefined) throw new Error(`no ${env} secret shown after create`);
    return { clientId: shown[env].clientId, clientSecret: secret };
  };
  return { appId: appIdOn(page.html), credentials: { sandbox: withSecret('sandbox'), live: withSecret('live') }, page };
}

/** A client-credentials token request (RFC 6749 §4.4) with client_secret_post. */
export function clientCredentialsToken(baseUrl: string, client: ClientCredentials, scope = 'read:contacts') {
  return tokenRequest(baseUrl, {
    grant_type: 'client_credentials',
    scope,
    client_id: client.clientId,
    client_secret: client.clientSecret ?? '',
  });
}
