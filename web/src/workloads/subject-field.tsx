import { type Ref, useId } from 'react';
import { subjectMeaning, subjectParts, subjectProblem } from './subject-pattern';

/** Props of {@link SubjectField}. */
export interface SubjectFieldProps {
  value: string;
  onChange: (next: string) => void;
  /** A subject of the chosen issuer, shown as the placeholder and in the hint. */
  example: string | undefined;
  /** The form's complaint (empty, or the server's), shown while the pattern itself is fine. */
  error?: string | undefined;
  inputRef?: Ref<HTMLInputElement>;
}

/** The pattern with each `*` shown as "any one segment". */
function PatternText({ subject }: { subject: string }) {
  return (
    <code className="subject-pattern break">
      {subjectParts(subject).map((part, index) =>
        part.kind === 'any' ? (
          <mark key={index} className="subject-any">
            any one segment
          </mark>
        ) : (
          <span key={index}>{part.text}</span>
        ),
      )}
    </code>
  );
}

/**
 * "Subject": the `sub` the ID token must have, checked as it is typed against the server's rule, and
 * what it will accept said in words.
 */
export function SubjectField({ value, onChange, example, error, inputRef }: SubjectFieldProps) {
  const id = useId();
  const subject = value.trim();
  const problem = subjectProblem(subject);
  const shown = problem ?? error;
  const meaning = subject === '' || problem !== null ? null : subjectMeaning(subject);

  return (
    <div className="field">
      <label htmlFor={`${id}-subject`} className="label">
        Subject
      </label>
      <input
        id={`${id}-subject`}
        ref={inputRef}
        className="input mono"
        value={value}
        maxLength={400}
        autoComplete="off"
        spellCheck={false}
        placeholder={example}
        aria-invalid={shown !== undefined ? true : undefined}
        aria-describedby={`${id}-hint ${id}-error ${id}-preview`}
        onChange={(event) => onChange(event.currentTarget.value)}
      />
      <p id={`${id}-hint`} className="hint">
        The <code>sub</code> the ID token must have, exactly
        {example !== undefined ? (
          <>
            , like <code className="break">{example}</code>
          </>
        ) : null}
        . A segment that is just <code>*</code>, between <code>:</code> or <code>/</code>, stands for any one
        segment.
      </p>
      <div id={`${id}-error`} aria-live="polite">
        {shown !== undefined ? <p className="field-error">{shown}</p> : null}
      </div>
      <section id={`${id}-preview`} className="subject-preview" aria-labelledby={`${id}-preview-title`}>
        <h3 id={`${id}-preview-title`} className="subject-preview-title">
          What this will accept
        </h3>
        {meaning === null ? (
          <p className="muted">
            {problem !== null
              ? 'Nothing yet: fix the subject above.'
              : 'Type a subject to see which ID tokens it accepts.'}
          </p>
        ) : (
          <>
            {meaning.summary !== undefined ? <p>{meaning.summary}</p> : null}
            <p>
              {meaning.wildcards === 0 ? (
                <>
                  Only an ID token whose subject is exactly <PatternText subject={subject} />.
                </>
              ) : (
                <>
                  ID tokens whose subject is <PatternText subject={subject} />, where “any one segment” is any
                  text without <code>:</code> or <code>/</code>.
                </>
              )}
            </p>
          </>
        )}
      </section>
    </div>
  );
}
