import { type FormEvent, type InputHTMLAttributes, useId, useState } from 'react';
import { api, ApiProblem } from '../api';
import { Link, usePath } from '../router';
import { useSession } from '../session';
import { useTitle } from '../ui/hooks';
import { AuthLayout, retryText } from './auth-layout';
import { carryNext, searchOf } from './next-path';

interface Errors {
  name?: string;
  email?: string;
  password?: string;
  form?: string;
}

function signUpErrors(failure: unknown): Errors {
  if (!(failure instanceof ApiProblem)) return { form: 'Something went wrong. Try again.' };
  switch (failure.code) {
    case 'signup_closed':
      return {
        form: 'Sign-up is closed on this server. Ask its administrator to create an account for you (skytells-server create-account).',
      };
    case 'email_taken':
      return { email: 'An account with this email already exists. Sign in instead.' };
    case 'rate_limited':
      return { form: `Too many attempts. Try again ${retryText(failure.retryAfter)}.` };
    case 'validation_failed': {
      const errors: Errors = {};
      for (const error of failure.errors) {
        if (error.field === 'name' || error.field === 'email' || error.field === 'password') {
          errors[error.field] =
            `${error.field.charAt(0).toUpperCase()}${error.field.slice(1)} ${error.message}.`;
        } else errors.form = failure.detail;
      }
      return Object.keys(errors).length === 0 ? { form: failure.detail } : errors;
    }
    default:
      return { form: failure.detail };
  }
}

/** `/signup`: a new account, signed in at once. */
export function SignUpPage() {
  useTitle('Create an account');
  const { signedIn } = useSession();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const id = useId();
  const path = usePath();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // The button stays enabled while busy, so the focus stays on it when an error comes back.
    if (busy) return;
    const found: Errors = {};
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) found.email = 'Enter an email address.';
    if (password.length < 8) found.password = 'Use at least 8 characters.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      await api.signUp({
        email: email.trim(),
        password,
        ...(name.trim() === '' ? {} : { name: name.trim() }),
      });
      const session = await api.signIn({ email: email.trim(), password });
      signedIn(session.account, session.csrf_token);
    } catch (failure) {
      setErrors(signUpErrors(failure));
      setBusy(false);
    }
  };

  const field = (
    key: 'name' | 'email' | 'password',
    label: string,
    input: InputHTMLAttributes<HTMLInputElement>,
    hint?: string,
  ) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`} className="label">
        {label}
      </label>
      <input
        id={`${id}-${key}`}
        className="input"
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={
          [hint ? `${id}-${key}-hint` : '', errors[key] ? `${id}-${key}-error` : ''].join(' ').trim() ||
          undefined
        }
        {...input}
      />
      {hint ? (
        <p id={`${id}-${key}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {errors[key] ? (
        <p id={`${id}-${key}-error`} className="field-error" role="alert">
          {errors[key]}
        </p>
      ) : null}
    </div>
  );

  return (
    <AuthLayout title="Create an account">
      <form noValidate onSubmit={(event) => void submit(event)} className="stack">
        {field('name', 'Name (optional)', {
          autoComplete: 'name',
          value: name,
          onChange: (event) => setName(event.currentTarget.value),
        })}
        {field('email', 'Email', {
          type: 'email',
          autoComplete: 'email',
          value: email,
          onChange: (event) => setEmail(event.currentTarget.value),
        })}
        {field(
          'password',
          'Password',
          {
            type: 'password',
            autoComplete: 'new-password',
            value: password,
            onChange: (event) => setPassword(event.currentTarget.value),
          },
          'At least 8 characters. A passphrase of several words is best.',
        )}
        {errors.form ? (
          <p className="alert alert-danger" role="alert">
            {errors.form}
          </p>
        ) : null}
        <button
          type="submit"
          className="button button-primary button-block"
          aria-disabled={busy}
          aria-busy={busy}
        >
          Create account
        </button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link to={`/signin${carryNext(searchOf(path))}`}>Sign in</Link>
      </p>
    </AuthLayout>
  );
}
