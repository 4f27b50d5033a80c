import { type FormEvent, useId, useRef, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { Provider, ProviderName } from '../types';
import { useFocusOnMount } from '../ui/hooks';
import { useReauth } from '../ui/reauth';

/** Field errors of a failed save, in the form's words. */
interface SaveErrors {
  apiKey?: string;
  baseUrl?: string;
  form?: string;
}

function saveErrors(failure: unknown): SaveErrors {
  if (!(failure instanceof ApiProblem)) return { form: 'Something went wrong. Try again.' };
  switch (failure.code) {
    case 'validation_failed': {
      const apiKey = failure.fieldMessage('api_key');
      const baseUrl = failure.fieldMessage('base_url');
      if (apiKey === undefined && baseUrl === undefined) return { form: failure.detail };
      return {
        ...(apiKey === undefined ? {} : { apiKey: `API key ${apiKey}.` }),
        ...(baseUrl === undefined ? {} : { baseUrl: `Base URL ${baseUrl}.` }),
      };
    }
    case 'rate_limited':
      return { form: `Too many requests. Try again in ${failure.retryAfter ?? 60} seconds.` };
    default:
      return { form: `${failure.detail} Try again.` };
  }
}

/** A plausible http(s) URL, checked before sending; the server checks it again. */
function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Props of {@link ProviderKeyForm}. */
export interface ProviderKeyFormProps {
  provider: ProviderName;
  /** The provider's name as people know it, e.g. "OpenAI". */
  label: string;
  /** The saved base URL, offered again when the key of an OpenAI-compatible API is replaced. */
  baseUrl: string | null;
  onSaved: (saved: Provider) => void;
  onCancel: () => void;
}

/**
 * Adds or replaces a provider's key: the key (a password field, never autofilled), the base URL of
 * an OpenAI-compatible API, and whether to test the key with the provider first. The key lives in
 * this form's state only, and the form is gone once it is saved.
 */
export function ProviderKeyForm({ provider, label, baseUrl, onSaved, onCancel }: ProviderKeyFormProps) {
  const id = useId();
  const withReauth = useReauth();
  const formRef = useRef<HTMLFormElement>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const [apiKey, setApiKey] = useState('');
  const [url, setUrl] = useState(baseUrl ?? '');
  const [test, setTest] = useState(true);
  const [errors, setErrors] = useState<SaveErrors>({});
  const [busy, setBusy] = useState(false);
  const needsUrl = provider === 'openai_compatible';
  useFocusOnMount(keyRef);

  const focusFirstError = () =>
    window.requestAnimationFrame(() =>
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .alert-danger')?.focus(),
    );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const found: SaveErrors = {};
    if (apiKey.trim() === '') found.apiKey = `Paste the API key from your ${label} account.`;
    if (needsUrl && !isHttpUrl(url.trim())) {
      found.baseUrl =
        'Enter the API’s base URL, starting with https:// (or http://), e.g. https://example.com/v1.';
    }
    setErrors(found);
    if (Object.keys(found).length > 0) {
      focusFirstError();
      return;
    }
    setBusy(true);
    try {
      const saved = await withReauth(() =>
        api.saveProvider(provider, {
          api_key: apiKey.trim(),
          test,
          ...(needsUrl ? { base_url: url.trim() } : {}),
        }),
      );
      onSaved(saved);
    } catch (failure) {
      setErrors(saveErrors(failure));
      setBusy(false);
      focusFirstError();
    }
  };

  const describedBy = (field: string, error: string | undefined) =>
    `${id}-${field}-hint${error === undefined ? '' : ` ${id}-${field}-error`}`;

  return (
    <form ref={formRef} noValidate className="stack" onSubmit={(event) => void submit(event)}>
      <div className="field">
        <label htmlFor={`${id}-key`} className="label">
          API key
        </label>
        <input
          id={`${id}-key`}
          ref={keyRef}
          className="input mono"
          type="password"
          autoComplete="off"
          spellCheck={false}
          maxLength={1000}
          value={apiKey}
          aria-invalid={errors.apiKey === undefined ? undefined : true}
          aria-describedby={describedBy('key', errors.apiKey)}
          onChange={(event) => setApiKey(event.currentTarget.value)}
        />
        <p id={`${id}-key-hint`} className="hint">
          Encrypted when saved and never shown again; the console shows its last 4 characters only.
        </p>
        {errors.apiKey !== undefined ? (
          <p id={`${id}-key-error`} className="field-error" role="alert">
            {errors.apiKey}
          </p>
        ) : null}
      </div>
      {needsUrl ? (
        <div className="field">
          <label htmlFor={`${id}-url`} className="label">
            Base URL
          </label>
          <input
            id={`${id}-url`}
            className="input mono"
            type="url"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            maxLength={500}
            placeholder="https://example.com/v1"
            value={url}
            aria-invalid={errors.baseUrl === undefined ? undefined : true}
            aria-describedby={describedBy('url', errors.baseUrl)}
            onChange={(event) => setUrl(event.currentTarget.value)}
          />
          <p id={`${id}-url-hint`} className="hint">
            Where the API answers <code>/chat/completions</code> and <code>/models</code>, as in OpenAI’s API,
            e.g. a vLLM, Ollama or LiteLLM server.
          </p>
          {errors.baseUrl !== undefined ? (
            <p id={`${id}-url-error`} className="field-error" role="alert">
              {errors.baseUrl}
            </p>
          ) : null}
        </div>
      ) : null}
      <label className="checkbox">
        <input type="checkbox" checked={test} onChange={(event) => setTest(event.currentTarget.checked)} />
        <span>Test the key with the provider</span>
      </label>
      {errors.form !== undefined ? (
        <p className="alert alert-danger" role="alert" tabIndex={-1}>
          {errors.form}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" aria-disabled={busy} aria-busy={busy}>
          Save key
        </button>
        <button type="button" className="button button-quiet" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
