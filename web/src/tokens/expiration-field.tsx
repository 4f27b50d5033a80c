import { useId } from 'react';
import { addDays, endOfDay, exactDay, isoDay } from '../format';
import type { Expiration } from '../types';

/** The choice in the Expiration select. */
export type ExpirationChoice = 'same' | '7' | '30' | '60' | '90' | 'custom' | 'never';

/** The state of {@link ExpirationField}. */
export interface ExpirationValue {
  choice: ExpirationChoice;
  /** `YYYY-MM-DD` when `choice` is `custom`. */
  customDay: string;
}

/** Longest lifetime the API accepts (docs/tokens.md). */
const MAX_DAYS = 366;

function latestInstant(now: Date): Date {
  // A little short of the limit, so the request is still valid when it arrives.
  return new Date(addDays(now, MAX_DAYS).getTime() - 5 * 60_000);
}

/**
 * The request fields for `value`: `undefined` for "same as the old token" (rotation), `null` when a
 * custom day is missing or out of range.
 */
export function expirationRequest(value: ExpirationValue, now: Date): Expiration | undefined | null {
  switch (value.choice) {
    case 'same':
      return undefined;
    case 'never':
      return { expires: 'never' };
    case 'custom': {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value.customDay)) return null;
      const at = endOfDay(value.customDay, latestInstant(now));
      if (at.getTime() <= now.getTime()) return null;
      return { expires_at: at.toISOString() };
    }
    case '7':
    case '30':
    case '60':
    case '90':
      return { expires_in_days: Number(value.choice) };
  }
}

/** When a token made with `value` would expire: a date, `null` for never, `undefined` if unknown. */
export function expectedExpiry(
  value: ExpirationValue,
  now: Date,
  sameAs?: Date | null,
): Date | null | undefined {
  if (value.choice === 'same') return sameAs;
  const request = expirationRequest(value, now);
  if (request === null || request === undefined) return undefined;
  if ('expires' in request) return null;
  if ('expires_at' in request) return new Date(request.expires_at);
  return addDays(now, request.expires_in_days);
}

/** Props of {@link ExpirationField}. */
export interface ExpirationFieldProps {
  value: ExpirationValue;
  onChange: (value: ExpirationValue) => void;
  now: Date;
  /** Offer "same lifetime as the old token" (rotation), with this label. */
  sameLabel?: string;
  /** The expiry that "same" gives, for the preview. */
  sameAs?: Date | null;
  error?: string | undefined;
}

/** The Expiration select: 7/30/60/90 days, a custom date, or no expiration (with a warning). */
export function ExpirationField({ value, onChange, now, sameLabel, sameAs, error }: ExpirationFieldProps) {
  const id = useId();
  const expiry = expectedExpiry(value, now, sameAs);
  return (
    <div className="field">
      <label htmlFor={id} className="label">
        Expiration
      </label>
      <select
        id={id}
        className="input select"
        value={value.choice}
        aria-describedby={`${id}-preview`}
        onChange={(event) => onChange({ ...value, choice: event.currentTarget.value as ExpirationChoice })}
      >
        {sameLabel ? <option value="same">{sameLabel}</option> : null}
        <option value="7">7 days</option>
        <option value="30">30 days</option>
        <option value="60">60 days</option>
        <option value="90">90 days</option>
        <option value="custom">Custom date…</option>
        <option value="never">No expiration</option>
      </select>
      {value.choice === 'custom' ? (
        <div className="subfield">
          <label htmlFor={`${id}-day`} className="label">
            Expiration date
          </label>
          <input
            id={`${id}-day`}
            type="date"
            className="input input-date"
            value={value.customDay}
            min={isoDay(addDays(now, 1))}
            max={isoDay(latestInstant(now))}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(event) => onChange({ ...value, customDay: event.currentTarget.value })}
          />
        </div>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {expiry === null ? (
        <p id={`${id}-preview`} className="alert alert-warning">
          <strong>This token will never expire.</strong> It stays valid until someone revokes it, and if it
          leaks it keeps working for whoever has it. Prefer an expiration and rotate on a schedule.
        </p>
      ) : (
        <p id={`${id}-preview`} className="hint">
          {expiry instanceof Date
            ? `The token will expire on ${exactDay(expiry)}.`
            : 'Pick a day within the next year.'}
        </p>
      )}
    </div>
  );
}
