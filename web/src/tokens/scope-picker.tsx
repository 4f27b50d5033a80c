import { useId } from 'react';
import { groupScopes, impliedRead, type ScopeDefinition } from '../scopes';

/** Props of {@link ScopePicker}. */
export interface ScopePickerProps {
  catalogue: readonly ScopeDefinition[];
  /** Scopes that may be chosen (a rotation may only narrow); default every scope. */
  allowed?: readonly string[];
  selected: ReadonlySet<string>;
  onChange: (next: Set<string>) => void;
  error?: string | undefined;
  hint?: string;
}

/**
 * One checkbox per scope, labelled with the scope's name, grouped by resource with read and write
 * side by side. Checking write checks read too and shows it as included.
 */
export function ScopePicker({ catalogue, allowed, selected, onChange, error, hint }: ScopePickerProps) {
  const id = useId();
  const isAllowed = (name: string) => allowed === undefined || allowed.includes(name);
  const groups = groupScopes(catalogue.filter((scope) => isAllowed(scope.name)));

  const toggle = (name: string, checked: boolean) => {
    const next = new Set(selected);
    if (checked) {
      next.add(name);
      // Write implies read: keep read checked afterwards, so unchecking write leaves read access.
      const read = impliedRead(name, catalogue);
      if (read !== undefined && isAllowed(read)) next.add(read);
    } else {
      next.delete(name);
    }
    onChange(next);
  };

  const isImplied = (name: string) =>
    [...selected].some((scope) => scope !== name && impliedRead(scope, catalogue) === name);

  const checkbox = (scope: ScopeDefinition) => {
    const implied = isImplied(scope.name);
    const descriptionId = `${id}-${scope.name}`;
    return (
      <div className="scope-option" key={scope.name}>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={selected.has(scope.name) || implied}
            disabled={implied}
            onChange={(event) => toggle(scope.name, event.currentTarget.checked)}
            aria-describedby={descriptionId}
          />
          <span className="mono">{scope.name}</span>
        </label>
        <span id={descriptionId} className="scope-description">
          {implied ? `Included with ${scope.name.replace(/:read$/, ':write')}. ` : ''}
          {scope.description}
        </span>
      </div>
    );
  };

  return (
    <fieldset className="field scope-picker" aria-describedby={error ? `${id}-error` : `${id}-hint`}>
      <legend className="label">Scopes</legend>
      <p id={`${id}-hint`} className="hint">
        {hint ?? 'Select the minimum the holder needs. Write access includes read access.'}
      </p>
      <table className="scope-table">
        <thead>
          <tr>
            <th scope="col">Resource</th>
            <th scope="col">Read</th>
            <th scope="col">Write</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((group) => (
            <tr key={group.resource}>
              <th scope="row">{group.label}</th>
              <td data-label="Read">
                {group.read ? checkbox(group.read) : <span className="muted">—</span>}
                {group.others.map(checkbox)}
              </td>
              <td data-label="Write">
                {group.write ? checkbox(group.write) : <span className="muted">—</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
