const LOCAL_ORIGIN = 'http://flexgate.invalid';

/**
 * Only local paths are accepted as a post-login destination, so the login form cannot be used as an open
 * redirector ("//evil.example" and "/\\evil.example" are other hosts to a browser, and so is
 * "/\t/evil.example": browsers drop tabs and newlines from URLs). Control characters are refused outright;
 * what is left must resolve to this origin.
 */
export function safeReturnTo(value: string | undefined): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects.
  if (value === undefined || !value.startsWith('/') || /[\x00-\x1f\x7f]/.test(value)) return '/';
  try {
    const url = new URL(value, LOCAL_ORIGIN);
    // Rebuilt from the parsed URL: percent-encoded, so it is always a valid Location header.
    // Dot segments resolve away ("/..//evil.example" becomes "//evil.example"), so the normalised path is
    // checked again: a leading "//" is another host to the browser.
    const sameOrigin = url.origin === LOCAL_ORIGIN && !url.pathname.startsWith('//');
    return sameOrigin ? `${url.pathname}${url.search}` : '/';
  } catch {
    return '/';
  }
}
