/** The statuses a list of credentials can be narrowed to, newest list first: tokens and API keys alike. */
export type StatusFilterValue = 'active' | 'expired' | 'revoked' | 'all';

const OPTIONS: { value: StatusFilterValue; label: string }[] = [
  { value: 'active', label: 'Active' },
  { value: 'expired', label: 'Expired' },
  { value: 'revoked', label: 'Revoked' },
  { value: 'all', label: 'All' },
];

/** `value` as a status filter, if it is one (from a URL's `?status=`). */
export function isStatusFilterValue(value: string | null): value is StatusFilterValue {
  return OPTIONS.some((option) => option.value === value);
}

/** Radio buttons that show one status of a credential list: Active, Expired, Revoked or All. */
export function StatusFilter(props: {
  /** The group's accessible name, e.g. "Show tokens". */
  legend: string;
  /** The radio group's `name`. */
  name: string;
  value: StatusFilterValue;
  onChange: (value: StatusFilterValue) => void;
}) {
  return (
    <fieldset className="segmented">
      <legend className="visually-hidden">{props.legend}</legend>
      {OPTIONS.map((option) => (
        <label key={option.value} className="segment">
          <input
            type="radio"
            name={props.name}
            value={option.value}
            checked={props.value === option.value}
            onChange={() => props.onChange(option.value)}
          />
          <span>{option.label}</span>
        </label>
      ))}
    </fieldset>
  );
}
