import { useTitle } from '../ui/hooks';
import { TwoFactorSection } from './two-factor-section';

/** Settings → Security: the account's second factors. */
export function SecurityPage() {
  useTitle('Security');
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
      <TwoFactorSection />
    </div>
  );
}
