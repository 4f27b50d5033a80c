import { type ReactNode, useEffect, useRef } from 'react';
import { ApiKeysPage } from './api-keys/api-keys-page';
import { ApplicationsPage } from './applications/applications-page';
import { EditApplicationPage } from './applications/edit-application-page';
import { RegisterApplicationPage } from './applications/register-application-page';
import { AuditPage } from './audit/audit-page';
import { destinationAfterSignIn, searchOf } from './auth/next-path';
import { SignInPage } from './auth/sign-in-page';
import { SignUpPage } from './auth/sign-up-page';
import { ProvidersPage } from './providers/providers-page';
import { Link, matchPath, navigate, resolvePendingLeave, usePath, usePendingLeave } from './router';
import { useSession } from './session';
import { CreateTokenPage } from './tokens/create-token-page';
import { RotatePage } from './tokens/rotate-page';
import { RotationPage } from './tokens/rotation-page';
import { TokenDetailsPage } from './tokens/token-details-page';
import { TokensPage } from './tokens/tokens-page';
import { BrandMark } from './ui/brand';
import { ConfirmDialog } from './ui/dialog';
import { ReauthProvider } from './ui/reauth';
import { SecurityPage } from './security/security-page';
import { WebhooksPage } from './webhooks/webhooks-page';
import { WorkloadsPage } from './workloads/workloads-page';

/** The Settings sections, in the rail's order. */
const SETTINGS_SECTIONS = [
  { to: '/settings/tokens', label: 'Tokens' },
  { to: '/settings/api-keys', label: 'API Keys' },
  { to: '/settings/providers', label: 'Providers' },
  { to: '/settings/security', label: 'Security' },
  { to: '/settings/webhooks', label: 'Webhooks' },
  { to: '/settings/workloads', label: 'Workloads' },
  { to: '/settings/applications', label: 'Applications' },
  { to: '/settings/audit', label: 'Audit log' },
] as const;

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true, force: true }), [to]);
  return null;
}

/**
 * Loads a page the server renders (consent, device) as a whole document: it is not part of this app.
 * It replaces the sign-in entry, so Back from the consent page does not land on a sign-in page that
 * would forward straight back to it.
 */
function LeaveForServerPage({ to }: { to: string }) {
  useEffect(() => window.location.replace(to), [to]);
  return (
    <p className="boot muted" aria-busy="true">
      Continuing…
    </p>
  );
}

/** Where a signed-in visitor of /signin or /signup goes: `next` when it is safe, else the console's home. */
function AfterSignIn({ path }: { path: string }) {
  const destination = destinationAfterSignIn(searchOf(path));
  return destination.kind === 'server' ? (
    <LeaveForServerPage to={destination.path} />
  ) : (
    <Redirect to={destination.path} />
  );
}

/** The console: sign-in pages when signed out, the Settings pages when signed in. */
export function App() {
  const path = usePath();
  const { state } = useSession();
  const pathname = path.split('?')[0] ?? '/';

  if (state.status === 'loading') {
    return (
      <p className="boot muted" aria-busy="true">
        Loading…
      </p>
    );
  }

  const isAuthPage = pathname === '/signin' || pathname === '/signup';
  if (state.status === 'signed-out') {
    if (pathname === '/signup') return <SignUpPage />;
    if (pathname === '/signin') {
      const notice =
        state.reason === 'expired'
          ? 'Your session has ended. Sign in again to continue.'
          : destinationAfterSignIn(searchOf(path)).kind === 'server'
            ? 'Sign in to continue connecting an application or device to your account.'
            : undefined;
      return <SignInPage notice={notice} />;
    }
    const next = pathname.startsWith('/settings') ? `?next=${encodeURIComponent(path)}` : '';
    return <Redirect to={`/signin${next}`} />;
  }
  if (isAuthPage) return <AfterSignIn path={path} />;
  return (
    <Shell>
      <ReauthProvider>
        <SettingsRoutes pathname={pathname} />
      </ReauthProvider>
    </Shell>
  );
}

function SettingsRoutes({ pathname }: { pathname: string }) {
  if (pathname === '/' || pathname === '/settings' || pathname === '/settings/') {
    return <Redirect to="/settings/tokens" />;
  }
  let page: ReactNode;
  let params: Record<string, string> | null;
  if (matchPath('/settings/tokens', pathname)) page = <TokensPage />;
  else if (matchPath('/settings/tokens/new', pathname)) page = <CreateTokenPage />;
  else if ((params = matchPath('/settings/tokens/:id/rotate', pathname)))
    page = <RotatePage key={params['id']} id={params['id'] ?? ''} />;
  else if ((params = matchPath('/settings/tokens/:id/rotation', pathname)))
    page = <RotationPage key={params['id']} id={params['id'] ?? ''} />;
  else if ((params = matchPath('/settings/tokens/:id', pathname)))
    page = <TokenDetailsPage key={params['id']} id={params['id'] ?? ''} />;
  else if (matchPath('/settings/applications', pathname)) page = <ApplicationsPage />;
  else if (matchPath('/settings/applications/new', pathname)) page = <RegisterApplicationPage />;
  else if ((params = matchPath('/settings/applications/:id', pathname)))
    page = <EditApplicationPage key={params['id']} id={params['id'] ?? ''} />;
  else if (matchPath('/settings/api-keys', pathname)) page = <ApiKeysPage />;
  else if (matchPath('/settings/providers', pathname)) page = <ProvidersPage />;
  else if (matchPath('/settings/security', pathname)) page = <SecurityPage />;
  else if (matchPath('/settings/webhooks', pathname)) page = <WebhooksPage />;
  else if (matchPath('/settings/workloads', pathname)) page = <WorkloadsPage />;
  else if (matchPath('/settings/audit', pathname)) page = <AuditPage />;
  else
    page = (
      <div className="page">
        <h1 className="page-title">Page not found</h1>
        <p>
          This page does not exist. <Link to="/settings/tokens">Go to Tokens</Link>
        </p>
      </div>
    );
  return <SettingsLayout pathname={pathname}>{page}</SettingsLayout>;
}

function Shell({ children }: { children: ReactNode }) {
  const { state, signOut } = useSession();
  const pending = usePendingLeave();
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/settings/tokens" className="brand">
          <BrandMark />
          Skytells Access
        </Link>
        <div className="topbar-account">
          {state.status === 'signed-in' ? (
            <span className="topbar-email" title={state.account.email}>
              {state.account.email}
            </span>
          ) : null}
          <button type="button" className="button button-small button-quiet" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      {children}
      {pending !== null ? (
        <ConfirmDialog
          title={pending.guard.title}
          confirmLabel={pending.guard.confirmLabel}
          cancelLabel={pending.guard.cancelLabel}
          onConfirm={() => resolvePendingLeave(true)}
          onCancel={() => resolvePendingLeave(false)}
        >
          <p>{pending.guard.message}</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

function SettingsLayout({ pathname, children }: { pathname: string; children: ReactNode }) {
  const first = useRef(true);
  useEffect(() => {
    // After an in-app navigation, start keyboard and screen-reader users at the new page's content.
    if (first.current) first.current = false;
    else document.getElementById('main')?.focus({ preventScroll: true });
  }, [pathname]);
  return (
    <div className="settings">
      <nav className="rail" aria-label="Settings">
        <p className="rail-title">Settings</p>
        <ul>
          {SETTINGS_SECTIONS.map((section) => {
            const current = pathname === section.to || pathname.startsWith(`${section.to}/`);
            return (
              <li key={section.to}>
                <Link to={section.to} className="rail-link" aria-current={current ? 'page' : undefined}>
                  {section.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
