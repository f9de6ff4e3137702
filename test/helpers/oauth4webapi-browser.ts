/**
 * A minimal "browser" for driving Flexgate's login and consent pages from tests: fetch without automatic
 * redirects, a cookie jar scoped to one origin, and a parser for the hidden fields of an HTML form.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeHtml(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity.toLowerCase()] ?? whole;
  });
}

function attributes(tag: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    const name = match[1];
    if (name === undefined) continue;
    found[name.toLowerCase()] = decodeHtml(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return found;
}

export interface ParsedForm {
  action: string;
  method: string;
  /** The hidden inputs, in document order. */
  hidden: [string, string][];
  /** The submit buttons' name/value pairs. */
  buttons: { name: string; value: string }[];
}

/** The first form of the page whose action matches `action`. */
export function parseForm(html: string, action: string): ParsedForm {
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const formAttributes = attributes(match[1] ?? '');
    if (formAttributes.action !== action) continue;
    const body = match[2] ?? '';
    const hidden: [string, string][] = [];
    for (const input of body.matchAll(/<input\b([^>]*)\/?>/gi)) {
      const attrs = attributes(input[1] ?? '');
      if (attrs.type === 'hidden' && attrs.name !== undefined) hidden.push([attrs.name, attrs.value ?? '']);
    }
    const buttons: { name: string; value: string }[] = [];
    for (const button of body.matchAll(/<button\b([^>]*)>/gi)) {
      const attrs = attributes(button[1] ?? '');
      if (attrs.name !== undefined) buttons.push({ name: attrs.name, value: attrs.value ?? '' });
    }
    return { action, method: (formAttributes.method ?? 'get').toLowerCase(), hidden, buttons };
  }
  throw new Error(`no form with action ${action} in:\n${html}`);
}

/** fetch with a cookie jar for one origin; never follows redirects (the test inspects each one). */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly origin: string) {}

  async get(pathOrUrl: string): Promise<Response> {
    return this.request(pathOrUrl, { method: 'GET' });
  }

  async postForm(pathOrUrl: string, fields: [string, string][]): Promise<Response> {
    return this.request(pathOrUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private async request(pathOrUrl: string, init: RequestInit): Promise<Response> {
    const url = new URL(pathOrUrl, this.origin);
    if (url.origin !== new URL(this.origin).origin) throw new Error(`the browser only talks to ${this.origin}: ${url}`);
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.store(line);
    return response;
  }

  private store(setCookie: string): void {
    const [pair = '', ...attributeParts] = setCookie.split(';');
    const equals = pair.indexOf('=');
    if (equals <= 0) return;
    const name = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    const expired = attributeParts.some((part) => {
      const [key = '', val = ''] = part.split('=');
      const attribute = key.trim().toLowerCase();
      if (attribute === 'max-age') return Number(val) <= 0;
      if (attribute === 'expires') return Date.parse(val) <= Date.now();
      return false;
    });
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

/** The Location of a 303 redirect, resolved against `base`. */
export function redirectTarget(response: Response, base: string): URL {
  if (response.status !== 303 && response.status !== 302) {
    throw new Error(`expected a redirect, got ${response.status}`);
  }
  const location = response.headers.get('location');
  if (location === null) throw new Error('redirect without a Location header');
  return new URL(location, base);
}
