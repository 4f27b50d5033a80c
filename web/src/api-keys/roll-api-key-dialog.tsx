import { useCallback, useId, useState } from 'react';
import { api, ApiProblem } from '../api';
import type { ApiKey, IssuedApiKeyValue } from '../types';
import { ConfirmDialog } from '../ui/dialog';
import { useReauth } from '../ui/reauth';

const HOUR = 3600;

/** How long the old key keeps working after a roll; the API allows up to 7 days. */
export const GRACE_CHOICES = [
  { seconds: 0, label: 'Stop the old key now' },
  { seconds: HOUR, label: 'After 1 hour' },
  { seconds: 24 * HOUR, label: 'After 1 day' },
  { seconds: 7 * 24 * HOUR, label: 'After 7 days' },
] as const;

function rollError(failure: unknown): string {
  if (!(failure instanceof ApiProblem)) return 'The API key could not be rolled. Try again.';
  switch (failure.code) {
    case 'token_not_active':
      return 'This key is no longer active or was already rolled. Reload the page to see its new state.';
    case 'not_found':
      return 'This key no longer exists. Reload the page.';
    case 'rate_limited':
      return `Too many requests. Try again in ${failure.retryAfter ?? 60} seconds.`;
    default:
      return `${failure.detail} Try again.`;
  }
}

/** Props of {@link RollApiKeyDialog}. */
export interface RollApiKeyDialogProps {
  apiKey: ApiKey;
  onRolled: (issued: IssuedApiKeyValue) => void;
  onClose: () => void;
}

/**
 * Replaces an API key by a new one: the user picks how long the old key keeps working (so the
 * programs that use it can move to the new one), then the new value is shown once by the caller.
 */
export function RollApiKeyDialog({ apiKey, onRolled, onClose }: RollApiKeyDialogProps) {
  const id = useId();
  const withReauth = useReauth();
  const [grace, setGrace] = useState<number>(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      onRolled(await withReauth(() => api.rollApiKey(apiKey.id, { grace_seconds: grace })));
    } catch (failure) {
      setError(rollError(failure));
      setBusy(false);
    }
  };

  const cancel = useCallback(() => {
    if (!busy) onClose();
  }, [busy, onClose]);

  return (
    <ConfirmDialog
      title={`Roll ${apiKey.name}?`}
      confirmLabel="Roll key"
      busy={busy}
      error={error}
      onConfirm={() => void confirm()}
      onCancel={cancel}
    >
      <p>
        A new key replaces <span className="mono">{apiKey.masked}</span>. Its value is shown once, next.
      </p>
      <fieldset className="field">
        <legend className="label">When should the old key stop working?</legend>
        {GRACE_CHOICES.map((choice) => (
          <label key={choice.seconds} className="radio">
            <input
              type="radio"
              name={`${id}-grace`}
              value={choice.seconds}
              checked={grace === choice.seconds}
              disabled={busy}
              onChange={() => setGrace(choice.seconds)}
            />
            <span>{choice.label}</span>
          </label>
        ))}
      </fieldset>
    </ConfirmDialog>
  );
}
