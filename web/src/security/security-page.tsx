import { useCallback, useState } from 'react';
import { useTitle } from '../ui/hooks';
import { PasskeysSection } from './passkeys-section';
import { TwoFactorSection } from './two-factor-section';

/** Settings → Security: the account's second factors. */
export function SecurityPage() {
  useTitle('Security');
  // Both sections show the account's factors: a change in one reloads the other.
  const [revision, setRevision] = useState(0);
  const changed = useCallback(() => setRevision((value) => value + 1), []);
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Security</h1>
          <p className="page-lead">
            How you prove it is you: your password, and a second factor that a stolen password alone cannot
            replace.
          </p>
        </div>
      </header>
      <TwoFactorSection revision={revision} onChange={changed} />
      <PasskeysSection revision={revision} onChange={changed} />
    </div>
  );
}
