import { type NavLink, type PortalNav, renderPage } from './layout.js';

/** The endpoints a developer needs to configure an OAuth client library. */
export interface DiscoveryLinks {
  /** The server's origin, so the addresses are shown in full and can be copied. */
  origin: string;
  metadataPath: string;
  jwksPath: string;
}

export type HomePageProps =
  | { signedIn: true; nav: PortalNav; discovery: DiscoveryLinks }
  /** `signUp` only when the server offers sign-up. */
  | { signedIn: false; loginPath: string; signUpPath: string | undefined; discovery: DiscoveryLinks };

const PAGE_DESCRIPTIONS: Record<string, string> = {
  '/developers/apps': 'Register your apps and get their credentials.',
  '/account/apps': 'See the apps you allowed to use your account, and revoke them.',
  '/account': 'Your account and password.',
  '/admin/apps': 'Every app on this server.',
};

function PageLinks({ links }: { links: readonly NavLink[] }) {
  return (
    <ul class="links">
      {links.map((link) => (
        <li>
          <a href={link.href}>{link.label}</a>
          {PAGE_DESCRIPTIONS[link.href] === undefined ? null : <> — {PAGE_DESCRIPTIONS[link.href]}</>}
        </li>
      ))}
    </ul>
  );
}

function Discovery({ discovery }: { discovery: DiscoveryLinks }) {
  const { origin, metadataPath, jwksPath } = discovery;
  return (
    <>
      <h2>For developers</h2>
      <p>OAuth client libraries configure themselves from the server metadata (RFC 8414).</p>
      <ul class="links">
        <li>
          Server metadata:{' '}
          <a href={metadataPath}>
            <code>{`${origin}${metadataPath}`}</code>
          </a>
        </li>
        <li>
          Token signing keys (JWKS):{' '}
          <a href={jwksPath}>
            <code>{`${origin}${jwksPath}`}</code>
          </a>
        </li>
      </ul>
    </>
  );
}

export function homePage(props: HomePageProps): string {
  if (props.signedIn) {
    return renderPage(
      'Home',
      <>
        <h1>Hello, {props.nav.username}</h1>
        {props.nav.links.length === 0 ? null : <PageLinks links={props.nav.links} />}
        <Discovery discovery={props.discovery} />
      </>,
      props.nav,
    );
  }
  const entry: NavLink[] = [{ href: props.loginPath, label: 'Log in' }];
  if (props.signUpPath !== undefined) entry.push({ href: props.signUpPath, label: 'Sign up' });
  return renderPage(
    'Home',
    <>
      <h1>Flexgate</h1>
      <p>
        Flexgate is an OAuth 2.0 authorization server with a developer portal: developers register apps and get their
        credentials, and people decide which apps may use their account.
      </p>
      <PageLinks links={entry} />
      <Discovery discovery={props.discovery} />
    </>,
  );
}
