/**
 * A warning under a field, such as a rotation removing one of the old token's restrictions. The
 * live region stays in place, empty when there is nothing to say, so the words are announced as
 * soon as they appear; the field names `id` in its `aria-describedby`.
 */
export function FieldNotice({ id, text }: { id: string; text: string | undefined }) {
  return (
    <div id={id} aria-live="polite">
      {text !== undefined ? <p className="alert alert-warning field-notice">{text}</p> : null}
    </div>
  );
}
