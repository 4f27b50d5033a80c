import { useTitle } from '../ui/hooks';
import { AuthorizedApps } from './authorized-apps';
import { YourApplications } from './your-applications';

/** Settings → Applications: the OAuth applications you registered, and the ones you authorized. */
export function ApplicationsPage() {
  useTitle('Applications');
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Applications</h1>
          <p className="page-lead">
            Applications act on a Skytells account through OAuth 2 with a token limited to the scopes a person
            grants on their consent page.
          </p>
        </div>
      </header>
      <YourApplications />
      <AuthorizedApps />
    </div>
  );
}
