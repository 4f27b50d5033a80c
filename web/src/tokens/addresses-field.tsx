import { useId } from 'react';
import { addressProblems } from './address-check';
import { FieldNotice } from './field-notice';

/** Props of {@link AddressesField}. */
export interface AddressesFieldProps {
  /** One address or CIDR per line, as typed. */
  value: string;
  onChange: (next: string) => void;
  /** The server's complaint, shown while the field itself finds nothing wrong. */
  error?: string | undefined;
  /** What the field says under itself; a token's words by default. */
  hint?: string;
  /** A notice under the field, such as a rotation removing the old token's addresses. */
  notice?: string | undefined;
}

/**
 * "Only from these addresses": one IPv4 or IPv6 address or CIDR per line, each bad entry named as it
 * is typed.
 */
export function AddressesField({ value, onChange, error, hint, notice }: AddressesFieldProps) {
  const id = useId();
  const problems = addressProblems(value);
  const invalid = problems.length > 0 || error !== undefined;
  return (
    <div className="field">
      <label htmlFor={`${id}-addresses`} className="label label-inline">
        Only from these addresses
      </label>
      <textarea
        id={`${id}-addresses`}
        className="input textarea mono"
        value={value}
        rows={3}
        spellCheck={false}
        autoComplete="off"
        placeholder={'203.0.113.7\n10.0.0.0/8'}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={`${id}-addresses-hint ${id}-addresses-errors ${id}-addresses-notice`}
        onChange={(event) => onChange(event.currentTarget.value)}
      />
      <p id={`${id}-addresses-hint`} className="hint">
        {hint ??
          'One IPv4 or IPv6 address or CIDR range per line. Requests from anywhere else are refused. Empty: any address.'}
      </p>
      <div id={`${id}-addresses-errors`} aria-live="polite">
        {problems.length > 0 ? (
          <ul className="field-error error-list">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        ) : error !== undefined ? (
          <p className="field-error">{error}</p>
        ) : null}
      </div>
      <FieldNotice id={`${id}-addresses-notice`} text={notice} />
    </div>
  );
}
