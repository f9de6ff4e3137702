/**
 * What the portal refuses, as errors its routes throw: the error boundary (http/errors.ts) renders each as
 * the HTML error page with its status. Every user-facing refusal text is written here once.
 */
export class PortalRefusal extends Error {
  override readonly name = 'PortalRefusal';
  constructor(
    readonly status: 400 | 403 | 404 | 413 | 415,
    readonly title: string,
    readonly description: string,
  ) {
    super(`${title}: ${description}`);
  }
}

/** A state-changing form whose CSRF token does not match the session (or that has no session). */
export const formExpired = (next = 'Reload the page and try again.') =>
  new PortalRefusal(403, 'Request refused', `The form expired or did not come from this site. ${next}`);

/** Nothing there, or not the user's: the two are never told apart. */
export const pageNotFound = (description: string) => new PortalRefusal(404, 'Not found', description);

/** A request the page cannot act on, with why. */
export const requestRefused = (description: string, title = 'Request refused') =>
  new PortalRefusal(400, title, description);
