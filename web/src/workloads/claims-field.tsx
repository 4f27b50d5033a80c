import { MAX_WORKLOAD_CLAIMS } from '@skytells/contract';
import { useEffect, useId, useRef, useState } from 'react';
import { type ClaimRow, claimsProblem } from './workload-form-errors';

/** Props of {@link ClaimsField}. */
export interface ClaimsFieldProps {
  rows: readonly ClaimRow[];
  onChange: (next: ClaimRow[]) => void;
  /** Claim names the chosen issuer's ID tokens carry, offered as rows to add. */
  suggestions: readonly string[];
  /** Whose claims the suggestions are ("GitHub Actions"). */
  suggestedBy: string | undefined;
  /** The server's complaint, shown while the rows themselves look fine. */
  error?: string | undefined;
}

let nextKey = 1;

/** A new row; `name` filled in for a suggested claim. */
export function claimRow(name = ''): ClaimRow {
  nextKey += 1;
  return { key: nextKey, name, value: '' };
}

/**
 * "Required claims": name and value rows the ID token must carry exactly, added and removed one by
 * one, with the issuer's usual claim names a button away.
 */
export function ClaimsField({ rows, onChange, suggestions, suggestedBy, error }: ClaimsFieldProps) {
  const id = useId();
  const listRef = useRef<HTMLUListElement>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  /** Where the focus goes after the rows change: a new row's field, or Add after removing one. */
  const [focus, setFocus] = useState<{ key: number; part: 'name' | 'value' } | 'add' | null>(null);
  const problem = claimsProblem(rows) ?? error;
  const used = new Set(rows.map((row) => row.name.trim()));
  const offered = suggestions.filter((name) => !used.has(name));
  const isFull = rows.length >= MAX_WORKLOAD_CLAIMS;

  useEffect(() => {
    if (focus === null) return;
    if (focus === 'add') addRef.current?.focus();
    else listRef.current?.querySelector<HTMLElement>(`[data-claim="${focus.key}-${focus.part}"]`)?.focus();
    setFocus(null);
  }, [focus]);

  const update = (key: number, patch: Partial<ClaimRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const add = (name = '') => {
    const row = claimRow(name);
    onChange([...rows, row]);
    setFocus({ key: row.key, part: name === '' ? 'name' : 'value' });
  };
  const remove = (key: number) => {
    onChange(rows.filter((row) => row.key !== key));
    setFocus('add');
  };

  return (
    <fieldset className="field" aria-describedby={`${id}-hint ${id}-error`}>
      <legend className="label">
        Required claims <span className="muted label-inline">(optional)</span>
      </legend>
      <p id={`${id}-hint`} className="hint">
        Further claims the ID token must carry with exactly these values, such as <code>environment</code>{' '}
        <code>production</code>. A number or boolean claim matches its text (<code>true</code>).
      </p>
      {rows.length > 0 ? (
        <ul ref={listRef} className="claim-rows">
          {rows.map((row, index) => (
            <li key={row.key} className="claim-row">
              <span className="claim-part">
                <label htmlFor={`${id}-${row.key}-name`}>Claim {index + 1} name</label>
                <input
                  id={`${id}-${row.key}-name`}
                  data-claim={`${row.key}-name`}
                  className="input mono"
                  value={row.name}
                  maxLength={100}
                  autoComplete="off"
                  spellCheck={false}
                  aria-invalid={problem !== undefined && row.name.trim() === '' ? true : undefined}
                  onChange={(event) => update(row.key, { name: event.currentTarget.value })}
                />
              </span>
              <span className="claim-part">
                <label htmlFor={`${id}-${row.key}-value`}>Claim {index + 1} value</label>
                <input
                  id={`${id}-${row.key}-value`}
                  data-claim={`${row.key}-value`}
                  className="input mono"
                  value={row.value}
                  maxLength={400}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(event) => update(row.key, { value: event.currentTarget.value })}
                />
              </span>
              <button
                type="button"
                className="button button-small button-quiet claim-remove"
                aria-label={`Remove claim ${index + 1}${row.name.trim() === '' ? '' : ` ${row.name.trim()}`}`}
                onClick={() => remove(row.key)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <div className="claim-actions">
        <button
          ref={addRef}
          type="button"
          className="button button-small"
          disabled={isFull}
          onClick={() => add()}
        >
          Add claim
        </button>
        {offered.length > 0 && !isFull ? (
          <span className="claim-suggestions" role="group" aria-labelledby={`${id}-suggested`}>
            <span id={`${id}-suggested`} className="hint">
              Claims of {suggestedBy ?? 'this issuer'}:
            </span>
            {offered.map((name) => (
              <button
                key={name}
                type="button"
                className="button button-small button-quiet mono"
                aria-label={`Add claim ${name}`}
                onClick={() => add(name)}
              >
                + {name}
              </button>
            ))}
          </span>
        ) : null}
      </div>
      <div id={`${id}-error`} aria-live="polite">
        {problem !== undefined ? <p className="field-error">{problem}</p> : null}
      </div>
    </fieldset>
  );
}
