import type { OAuthApp } from '../types';

/** "Confidential" or "Public". */
export function typeLabel(type: OAuthApp['type']): string {
  switch (type) {
    case 'confidential':
      return 'Confidential';
    case 'public':
      return 'Public';
  }
}

/** An application's redirect URIs, one per line. */
export function RedirectUriList({ uris }: { uris: string[] }) {
  return (
    <ul className="uri-list" aria-label="Redirect URIs">
      {uris.map((uri) => (
        <li key={uri} className="mono break">
          {uri}
        </li>
      ))}
    </ul>
  );
}
