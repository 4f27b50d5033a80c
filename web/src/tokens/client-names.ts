import { useEffect, useState } from 'react';
import { api } from '../api';
import type { Token } from '../types';

/**
 * The names of the OAuth clients holding `tokens` ("Skytells CLI"), from `GET /v1/authorized-apps`,
 * asked again only when a client id appears that is not known yet. A client the API no longer lists
 * (all its tokens revoked, or deleted) keeps no name: show its client id.
 */
export function useClientNames(tokens: readonly Token[] | null): ReadonlyMap<string, string> {
  const [names, setNames] = useState<ReadonlyMap<string, string | null>>(new Map());
  const unknown = [
    ...new Set((tokens ?? []).map((token) => token.client_id).filter((id): id is string => id !== null)),
  ]
    .filter((id) => !names.has(id))
    .sort()
    .join(' ');

  useEffect(() => {
    if (unknown === '') return undefined;
    let live = true;
    const settle = (found: Map<string, string>) => {
      if (!live) return;
      setNames((current) => {
        const next = new Map(current);
        // Remember the misses too, so a revoked client's id is not asked about on every refresh.
        for (const id of unknown.split(' ')) next.set(id, found.get(id) ?? null);
        return next;
      });
    };
    api.authorizedApps().then(
      (body) => settle(new Map(body.data.map((app) => [app.client_id, app.name]))),
      () => settle(new Map()),
    );
    return () => {
      live = false;
    };
  }, [unknown]);

  const known = new Map<string, string>();
  for (const [id, name] of names) if (name !== null) known.set(id, name);
  return known;
}

/** How a token's client reads in a list: "via Skytells CLI", or "via <client id>" without a name. */
export function clientLabel(token: Token, names: ReadonlyMap<string, string>): string | null {
  if (token.client_id === null) return null;
  return `via ${names.get(token.client_id) ?? token.client_id}`;
}
