import { useState } from 'react';
import { useTitle } from '../ui/hooks';
import { PasswordSection } from './password-section';
import { SessionsSection } from './sessions-section';

/** Settings → Security: the account's sessions and its password. */
export function SecurityPage() {
  useTitle('Security');
  const [reloadKey, setReloadKey] = useState(0);
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Security</h1>
          <p className="page-lead">
            Where your account is signed in, and its password. You are e-mailed when it signs in from a new
            address and when the password changes.
          </p>
        </div>
      </header>
      <SessionsSection reloadKey={reloadKey} />
      <PasswordSection onChanged={() => setReloadKey((key) => key + 1)} />
    </div>
  );
}
