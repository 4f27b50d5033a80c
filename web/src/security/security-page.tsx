import { useCallback, useState } from 'react';
import { useTitle } from '../ui/hooks';
import { PasskeysSection } from './passkeys-section';
import { PasswordSection } from './password-section';
import { SessionsSection } from './sessions-section';
import { TwoFactorSection } from './two-factor-section';

/** Settings → Security: the account's second factors, its sessions and its password. */
export function SecurityPage() {
  useTitle('Security');
  // The factor sections show the account's factors: a change in one reloads the other.
  const [revision, setRevision] = useState(0);
  const changed = useCallback(() => setRevision((value) => value + 1), []);
  // A password change ends the other sessions: the list reloads.
  const [reloadKey, setReloadKey] = useState(0);
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Security</h1>
          <p className="page-lead">
            How you prove it is you, and where your account is signed in: your password, a second factor that
            a stolen password alone cannot replace, and your sessions. You are e-mailed when the account signs
            in from a new address and when the password or a second factor changes.
          </p>
        </div>
      </header>
      <TwoFactorSection revision={revision} onChange={changed} />
      <PasskeysSection revision={revision} onChange={changed} />
      <SessionsSection reloadKey={reloadKey} />
      <PasswordSection onChanged={() => setReloadKey((key) => key + 1)} />
    </div>
  );
}
