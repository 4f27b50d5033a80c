import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiProblem } from '../api';
import { Link } from '../router';
import type { ApiKey, IssuedApiKeyValue } from '../types';
import { useNow, useTitle } from '../ui/hooks';
import { useInferenceUsage } from '../ui/inference-usage';
import { ApiKeyReveal } from './api-key-reveal';
import { type ApiKeyFilter, ApiKeyTable } from './api-key-table';
import { CreateApiKeyForm } from './create-api-key-form';
import { RevokeApiKeyDialog } from './revoke-api-key-dialog';
import { RollApiKeyDialog } from './roll-api-key-dialog';
import { StatusFilter } from '../ui/status-filter';

const PAGE_SIZE = 50;

/** The one-time value on show, and which heading it has. */
interface Reveal {
  issued: IssuedApiKeyValue;
  heading: string;
}

function loadError(failure: unknown): string {
  const reason = failure instanceof ApiProblem ? failure.detail : 'The API keys could not be loaded.';
  return `${reason} Reload the page to try again.`;
}

/**
 * Settings → API Keys: keys for the model-inference gateway only. Create one (its value shown
 * once), list them with their use, revoke one at once, or roll one with a grace period.
 */
export function ApiKeysPage() {
  useTitle('API Keys');
  const now = useNow(15_000);
  const [filter, setFilter] = useState<ApiKeyFilter>('active');
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [reveal, setReveal] = useState<Reveal | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [rolling, setRolling] = useState<ApiKey | null>(null);
  const [revision, setRevision] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const usage = useInferenceUsage(revision);
  const createRef = useRef<HTMLButtonElement>(null);
  const generation = useRef(0);

  const load = useCallback(async () => {
    const run = ++generation.current;
    try {
      const page = await api.listApiKeys({ status: filter, limit: PAGE_SIZE });
      if (run !== generation.current) return;
      setKeys(page.data);
      setNextCursor(page.next_cursor);
      setError(null);
    } catch (failure) {
      if (run === generation.current) setError(loadError(failure));
    }
  }, [filter]);

  useEffect(() => setKeys(null), [filter]);
  useEffect(() => {
    void load();
  }, [load, revision]);

  const loadMore = async () => {
    if (nextCursor === null) return;
    try {
      const page = await api.listApiKeys({ status: filter, cursor: nextCursor, limit: PAGE_SIZE });
      setKeys((current) => {
        const ids = new Set((current ?? []).map((key) => key.id));
        return [...(current ?? []), ...page.data.filter((key) => !ids.has(key.id))];
      });
      setNextCursor(page.next_cursor);
    } catch (failure) {
      setError(loadError(failure));
    }
  };

  const showIssued = (issued: IssuedApiKeyValue, heading: string) => {
    setCreating(false);
    setRolling(null);
    setNotice(null);
    setReveal({ issued, heading });
    setRevision((value) => value + 1);
  };

  const revoked = (apiKey: ApiKey) => {
    // The row stays, marked revoked, until the list is reloaded.
    setKeys((current) => (current ?? []).map((row) => (row.id === apiKey.id ? apiKey : row)));
    setRevoking(null);
    setNotice(`${apiKey.name} is revoked.`);
  };

  const done = () => {
    setReveal(null);
    window.requestAnimationFrame(() => createRef.current?.focus());
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">API Keys</h1>
          <p className="page-lead">
            API keys (<code>sk_live_…</code>) call the model-inference gateway,{' '}
            <code>POST /v1/chat/completions</code>, with the provider keys you saved under{' '}
            <Link to="/settings/providers">Providers</Link>, and nothing else. For everything else — the CLI,
            the API, pipelines — use an <Link to="/settings/tokens">access token</Link>.
          </p>
        </div>
        {creating || reveal !== null ? null : (
          <button
            ref={createRef}
            type="button"
            className="button button-primary"
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
          >
            Create API key
          </button>
        )}
      </header>

      {reveal !== null ? (
        <ApiKeyReveal issued={reveal.issued} heading={reveal.heading} onDone={done} />
      ) : null}
      {creating ? (
        <CreateApiKeyForm
          onCreated={(issued) => showIssued(issued, 'Copy your new API key')}
          onCancel={() => {
            setCreating(false);
            window.requestAnimationFrame(() => createRef.current?.focus());
          }}
        />
      ) : null}

      <p role="status" className={notice === null ? 'visually-hidden' : 'alert alert-success'}>
        {notice}
      </p>

      <StatusFilter legend="Show API keys" name="api-key-status" value={filter} onChange={setFilter} />

      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}

      {keys === null ? (
        error === null ? (
          <p className="muted" aria-busy="true">
            Loading API keys…
          </p>
        ) : null
      ) : keys.length === 0 ? (
        filter === 'active' ? (
          <EmptyState />
        ) : (
          <p className="empty-note">No {filter === 'all' ? '' : `${filter} `}API keys.</p>
        )
      ) : (
        <ApiKeyTable
          keys={keys}
          filter={filter}
          usage={usage}
          now={now}
          onRoll={setRolling}
          onRevoke={setRevoking}
        />
      )}

      {nextCursor !== null && keys !== null && keys.length > 0 ? (
        <div className="pager">
          <button type="button" className="button" onClick={() => void loadMore()}>
            Load more API keys
          </button>
        </div>
      ) : null}

      {revoking !== null ? (
        <RevokeApiKeyDialog apiKey={revoking} onRevoked={revoked} onClose={() => setRevoking(null)} />
      ) : null}
      {rolling !== null ? (
        <RollApiKeyDialog
          apiKey={rolling}
          onRolled={(issued) => showIssued(issued, `Copy the new key for ${rolling.name}`)}
          onClose={() => setRolling(null)}
        />
      ) : null}
    </div>
  );
}

function EmptyState() {
  return (
    <section className="empty card" aria-labelledby="api-keys-empty-heading">
      <h2 id="api-keys-empty-heading" className="section-title">
        No active API keys
      </h2>
      <p>
        Create one key for each program that calls the model gateway — a chatbot, a batch job, an
        OpenAI-compatible SDK pointed at this server — so you can revoke one without stopping the others.
      </p>
      <p>
        A key only works for models whose provider has a key saved under{' '}
        <Link to="/settings/providers">Providers</Link>.
      </p>
    </section>
  );
}
