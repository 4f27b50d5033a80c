import {
  MAX_WORKLOAD_TTL_SECONDS,
  MIN_WORKLOAD_TTL_SECONDS,
  WORKLOAD_ISSUER_PRESETS,
} from '@skytells/contract';
import { useId } from 'react';

/** A preset of the contract, or an issuer typed in. */
export type IssuerChoice = keyof typeof WORKLOAD_ISSUER_PRESETS | 'other';

/** The preset of `choice`; `undefined` for another issuer. */
export function presetOf(choice: IssuerChoice) {
  return choice === 'other' ? undefined : WORKLOAD_ISSUER_PRESETS[choice];
}

/** The "Token lifetime" choices, in seconds: 5, 15, 30 and 60 minutes, within the server's bounds. */
export const TTL_CHOICES = [300, 900, 1800, 3600].filter(
  (seconds) => seconds >= MIN_WORKLOAD_TTL_SECONDS && seconds <= MAX_WORKLOAD_TTL_SECONDS,
);

const CHOICES: { value: IssuerChoice; label: string }[] = [
  ...Object.entries(WORKLOAD_ISSUER_PRESETS).map(([value, preset]) => ({
    value: value as IssuerChoice,
    label: preset.label,
  })),
  { value: 'other', label: 'Other issuer' },
];

/** The preset's name for `issuer` ("GitHub Actions"), when it is one. */
export function issuerLabel(issuer: string): string | undefined {
  return Object.values(WORKLOAD_ISSUER_PRESETS).find((preset) => preset.issuer === issuer)?.label;
}

/** Props of {@link IssuerField}. */
export interface IssuerFieldProps {
  choice: IssuerChoice;
  onChoice: (next: IssuerChoice) => void;
  issuer: string;
  onIssuer: (next: string) => void;
  issuerError: string | undefined;
  audience: string;
  onAudience: (next: string) => void;
  audienceError: string | undefined;
}

/** Which CI the ID tokens come from (a preset fills the issuer), and the audience they must carry. */
export function IssuerField(props: IssuerFieldProps) {
  const id = useId();
  const { issuerError, audienceError } = props;
  return (
    <>
      <fieldset className="field">
        <legend className="label">CI</legend>
        <div className="choice-row">
          {CHOICES.map((option) => (
            <label key={option.value} className="radio">
              <input
                type="radio"
                name={`${id}-choice`}
                value={option.value}
                checked={props.choice === option.value}
                onChange={() => props.onChoice(option.value)}
              />
              <span>{option.label}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-issuer`} className="label">
          Issuer
        </label>
        <input
          id={`${id}-issuer`}
          className="input mono"
          type="url"
          inputMode="url"
          value={props.issuer}
          maxLength={2000}
          autoComplete="off"
          spellCheck={false}
          placeholder="https://ci.example.com"
          aria-invalid={issuerError !== undefined ? true : undefined}
          aria-describedby={`${id}-issuer-hint${issuerError !== undefined ? ` ${id}-issuer-error` : ''}`}
          onChange={(event) => props.onIssuer(event.currentTarget.value)}
        />
        <p id={`${id}-issuer-hint`} className="hint">
          The <code>iss</code> of the ID tokens, an <code>https://</code> URL with OpenID Connect discovery.
        </p>
        {issuerError !== undefined ? (
          <p id={`${id}-issuer-error`} className="field-error" role="alert">
            {issuerError}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={`${id}-audience`} className="label">
          Audience
        </label>
        <input
          id={`${id}-audience`}
          className="input mono"
          value={props.audience}
          maxLength={200}
          autoComplete="off"
          spellCheck={false}
          aria-invalid={audienceError !== undefined ? true : undefined}
          aria-describedby={`${id}-audience-hint${audienceError !== undefined ? ` ${id}-audience-error` : ''}`}
          onChange={(event) => props.onAudience(event.currentTarget.value)}
        />
        <p id={`${id}-audience-hint`} className="hint">
          The <code>aud</code> the ID token must carry; the job asks its CI for a token with it. This server’s
          URL unless you have a reason to choose another.
        </p>
        {audienceError !== undefined ? (
          <p id={`${id}-audience-error`} className="field-error" role="alert">
            {audienceError}
          </p>
        ) : null}
      </div>
    </>
  );
}
