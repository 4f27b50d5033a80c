import { useState } from 'react';
import { useTitle } from '../ui/hooks';
import { PasswordSection } from './password-section';
import { SessionsSection } from './sessions-section';
import { TwoFactorSection } from './two-factor-section';

/** Settings → Security: the account's second factors, its sessions and its password. */
export function SecurityPage() {
  useTitle('Security');
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
      <TwoFactorSection />
      <SessionsSection reloadKey={reloadKey} />
      <PasswordSection onChanged={() => setReloadKey((key) => key + 1)} />
    </div>
  );
}
