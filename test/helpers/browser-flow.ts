/**
 * A minimal browser for the end-to-end suites: a cookie jar, manual redirects, and a driver for the
 * authorization-code flow as a person clicks through it (authorize → login → consent → redirect back).
 * It reads the forms the server renders (hidden csrf_token, return_to, the re-submitted request) instead of
 * building them itself, so a broken page breaks the flow.
 */

export interface Page {
  status: number;
  headers: Headers;
  /** The Location header resolved against the request URL, if any. */
  location: URL | undefined;
  /** The raw Set-Cookie headers of this response. */
  setCookies: string[];
  html: string;
}

export class Browser {
  /** name → value of the cookies the server set and did not clear. */
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  get(pathOrUrl: string | URL): Promise<Page> {
    return this.send(pathOrUrl, { method: 'GET' });
  }

  post(pathOrUrl: string | URL, form: Record<string, string>): Promise<Page> {
    return this.send(pathOrUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  private async send(
    pathOrUrl: string | URL,
    init: { method: string; headers?: Record<string, string>; body?: string },
  ) {
    const url = new URL(pathOrUrl, this.baseUrl);
    if (url.origin !== new URL(this.baseUrl).origin) throw new Error(`the test browser only talks to Flexgate: ${url}`);
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, {
      method: init.method,
      redirect: 'manual',
      headers: { ...init.headers, ...(cookie === '' ? {} : { cookie }) },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) this.store(header);
    const location = response.headers.get('location');
    return {
      status: response.status,
      headers: response.headers,
      location: location === null ? undefined : new URL(location, url),
      setCookies,
      html: await response.text(),
    };
  }

  private store(header: string): void {
    const [pair = '', ...attributes] = header.split(';').map((part) => part.trim());
    const equals = pair.indexOf('=');
    if (equals <= 0) return;
    const name = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    const expired = attributes.some((attribute) => {
      const [key = '', attributeValue = ''] = attribute.split('=');
      if (key.toLowerCase() === 'max-age') return Number(attributeValue) <= 0;
      if (key.toLowerCase() === 'expires') return Date.parse(attributeValue) <= Date.now();
      return false;
    });
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

/* ----- reading the server's HTML ----- */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

/** The attributes of every `<tag …>` in the HTML, decoded. */
export function elements(html: string, tag: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  // A quoted attribute value may contain ">" (Preact escapes only "<", "&" and '"' there).
  for (const match of html.matchAll(new RegExp(`<${tag}\\b((?:[^>"]|"[^"]*")*)>`, 'gi'))) {
    const attributes: Record<string, string> = {};
    for (const attribute of (match[1] ?? '').matchAll(/([^\s=/>]+)(?:\s*=\s*"([^"]*)")?/g)) {
      attributes[(attribute[1] ?? '').toLowerCase()] = decodeEntities(attribute[2] ?? '');
    }
    found.push(attributes);
  }
  return found;
}

/** name → value of the hidden inputs of a page (the login and consent forms each have one form). */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const input of elements(html, 'input')) {
    if (input.type === 'hidden' && input.name !== undefined) fields[input.name] = input.value ?? '';
  }
  return fields;
}

/** The action of the first POST form of a page. */
export function formAction(html: string): string | undefined {
  return elements(html, 'form').find((form) => (form.method ?? '').toLowerCase() === 'post')?.action;
}

export const isLoginPage = (page: Page) => page.status === 200 && formAction(page.html) === '/login';
export const isConsentPage = (page: Page) => page.status === 200 && formAction(page.html) === '/oauth/authorize';

/* ----- the authorization-code flow ----- */

export interface Credentials {
  username: string;
  password: string;
}

export interface AuthorizeOptions {
  /** Used if (and only if) the server asks the browser to log in. */
  login?: Credentials;
  /** What to click on the consent page, if it is shown. */
  decision?: 'allow' | 'deny';
}

export interface AuthorizeResult {
  /** The final redirect away from Flexgate (to the client's redirect URI). */
  location: URL;
  loginShown: boolean;
  consentShown: boolean;
  /** The consent page's HTML, when it was shown. */
  consentHtml: string | undefined;
}

/**
 * GETs /oauth/authorize with `params` and follows what a person would: the login form (filled with
 * `options.login`), then the consent form (clicking `options.decision`, default allow), until Flexgate
 * redirects to another origin. Throws on any page it does not expect, with the page's status and text.
 */
export async function authorize(
  browser: Browser,
  params: Record<string, string>,
  options: AuthorizeOptions = {},
): Promise<AuthorizeResult> {
  const origin = new URL(browser.baseUrl).origin;
  let loginShown = false;
  let consentHtml: string | undefined;
  let page = await browser.get(`/oauth/authorize?${new URLSearchParams(params)}`);
  for (let step = 0; step < 10; step += 1) {
    if (page.status === 303 && page.location !== undefined) {
      if (page.location.origin !== origin) {
        return { location: page.location, loginShown, consentShown: consentHtml !== undefined, consentHtml };
      }
      page = await browser.get(page.location);
    } else if (isLoginPage(page)) {
      if (loginShown) throw new Error('the login page came back after logging in (wrong credentials?)');
      if (options.login === undefined) throw new Error('the server asked to log in but no credentials were given');
      loginShown = true;
      page = await browser.post('/login', { ...hiddenFields(page.html), ...options.login });
    } else if (isConsentPage(page)) {
      if (consentHtml !== undefined) throw new Error('the consent page came back after deciding');
      consentHtml = page.html;
      page = await browser.post('/oauth/authorize', {
        ...hiddenFields(page.html),
        decision: options.decision ?? 'allow',
      });
    } else {
      throw new Error(`unexpected page in the authorization flow: ${page.status} ${page.html.slice(0, 500)}`);
    }
  }
  throw new Error('the authorization flow did not end after 10 steps');
}

/**
 * The code of a successful authorization response, after checking that it came back to `redirectUri` with
 * the expected state and issuer (RFC 9207).
 */
export function codeFrom(location: URL, expected: { redirectUri: string; state: string; issuer: string }): string {
  const params = location.searchParams;
  const code = params.get('code');
  if (`${location.origin}${location.pathname}` !== expected.redirectUri.split('?')[0]) {
    throw new Error(`redirected to ${location}, expected ${expected.redirectUri}`);
  }
  if (code === null) throw new Error(`no code in ${location}`);
  if (params.get('state') !== expected.state) throw new Error(`state mismatch in ${location}`);
  if (params.get('iss') !== expected.issuer) throw new Error(`iss mismatch in ${location}`);
  return code;
}
