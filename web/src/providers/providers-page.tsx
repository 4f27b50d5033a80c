import { PROVIDERS } from '@skytells/contract';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiProblem } from '../api';
import { Link } from '../router';
import type { Provider, ProviderName } from '../types';
import { useNow, useTitle } from '../ui/hooks';
import { useInferenceUsage } from '../ui/inference-usage';
import { ProviderCard } from './provider-card';

// One entry per provider of the contract: a provider added there is a compile error here.
const PROVIDER_INFO: Record<ProviderName, { label: string; description: string }> = {
  openai: {
    label: 'OpenAI',
    description: 'For models named openai/…, e.g. openai/gpt-4o-mini.',
  },
  anthropic: {
    label: 'Anthropic',
    description: 'For models named anthropic/…, e.g. anthropic/claude-3-5-haiku-latest.',
  },
  openai_compatible: {
    label: 'OpenAI-compatible',
    description:
      'For models named openai_compatible/…, served by any API shaped like OpenAI’s at a base URL you give.',
  },
};

/**
 * Settings → Providers: the account's own keys for the model providers (BYOK), which the inference
 * gateway uses. Each is saved encrypted, shown masked, replaced or removed; never shown again.
 */
export function ProvidersPage() {
  useTitle('Providers');
  const now = useNow();
  const [saved, setSaved] = useState<Map<ProviderName, Provider> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const usage = useInferenceUsage();

  const load = useCallback(async () => {
    try {
      const list = await api.listProviders();
      setSaved(new Map(list.data.map((provider) => [provider.provider, provider])));
      setError(null);
    } catch (failure) {
      const reason =
        failure instanceof ApiProblem ? failure.detail : 'The provider keys could not be loaded.';
      setError(`${reason} Reload the page to try again.`);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const changed = useCallback((provider: ProviderName, result: Provider | null) => {
    setSaved((current) => {
      const next = new Map(current);
      if (result === null) next.delete(provider);
      else next.set(provider, result);
      return next;
    });
  }, []);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1 className="page-title">Providers</h1>
          <p className="page-lead">
            Bring your own model-provider keys. The model gateway (<code>POST /v1/chat/completions</code>,
            called with an <Link to="/settings/api-keys">API key</Link> or an access token) forwards each
            request to the provider its model names, with the key you save here. Keys are encrypted on the
            server and never shown again after saving.
          </p>
        </div>
      </header>
      {error !== null ? (
        <p className="alert alert-danger" role="alert">
          {error}
        </p>
      ) : null}
      {saved === null ? (
        error === null ? (
          <p className="muted" aria-busy="true">
            Loading providers…
          </p>
        ) : null
      ) : (
        <div className="provider-cards">
          {PROVIDERS.map((provider) => (
            <ProviderCard
              key={provider}
              provider={provider}
              label={PROVIDER_INFO[provider].label}
              description={PROVIDER_INFO[provider].description}
              saved={saved.get(provider) ?? null}
              usage={
                usage === null
                  ? undefined
                  : (usage.by_provider.find((row) => row.provider === provider) ?? null)
              }
              now={now}
              onChange={changed}
            />
          ))}
        </div>
      )}
    </div>
  );
}
