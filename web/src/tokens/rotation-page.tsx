import { useEffect, useRef, useState } from 'react';
import { exactTime, relativeTime } from '../format';
import { Link } from '../router';
import type { Token } from '../types';
import { useNow, useTitle } from '../ui/hooks';
import { Time } from '../ui/time';
import { RotationSteps } from './rotate-page';
import { RevokeDialog } from './revoke-dialog';
import { useToken } from './token-details-page';

/** How often the rotation view asks whether the replacement has been used. */
const POLL_MS = 2_000;

function UseReport({ token, now }: { token: Token; now: Date }) {
  if (token.last_used_at === null) return null;
  return (
    <dl className="facts facts-inline">
      <div>
        <dt>When</dt>
        <dd>
          <Time at={token.last_used_at} now={now} />{' '}
          <span className="muted">({exactTime(new Date(token.last_used_at))})</span>
        </dd>
      </div>
      <div>
        <dt>From</dt>
        <dd className="mono">{token.last_used_ip ?? '—'}</dd>
      </div>
      <div>
        <dt>User agent</dt>
        <dd className="mono break">{token.last_used_user_agent ?? '—'}</dd>
      </div>
    </dl>
  );
}

/**
 * Steps 3 and 4 of a rotation, for replacement `id`: shows whether the replacement has been used
 * yet (when, from where) so the user can verify it end to end, then revokes the old token.
 */
export function RotationPage({ id }: { id: string }) {
  const now = useNow(5_000);
  const { token: fresh, error } = useToken(id, POLL_MS);
  const { token: old, setToken: setOld } = useToken(fresh?.replaces ?? null, POLL_MS);
  const [revoking, setRevoking] = useState(false);
  const [firstSeen, setFirstSeen] = useState<string | null>(null);
  const announced = useRef(false);
  useTitle(fresh === null ? 'Rotation' : `Rotation of ${fresh.name}`);

  useEffect(() => {
    if (fresh?.last_used_at && !announced.current) {
      announced.current = true;
      setFirstSeen(fresh.last_used_at);
    }
  }, [fresh?.last_used_at]);

  if (fresh === null) {
    return (
      <div className="page">
        {error ? (
          <p className="alert alert-danger" role="alert">
            {error.status === 404 ? 'There is no such token on your account.' : error.detail}
          </p>
        ) : (
          <p className="muted" aria-busy="true">
            Loading rotation…
          </p>
        )}
      </div>
    );
  }
  if (fresh.replaces === null) {
    return (
      <div className="page">
        <p className="alert alert-info">
          {fresh.name} does not replace another token.{' '}
          <Link to={`/settings/tokens/${fresh.id}`}>See its details</Link>.
        </p>
      </div>
    );
  }

  const isUsed = fresh.last_used_at !== null;
  const oldGone = old !== null && old.status !== 'active';
  const scheduled =
    old !== null && old.status === 'active' && old.revoked_at !== null ? old.revoked_at : null;
  const step = oldGone ? 4 : isUsed ? 3 : 2;
  const oldUsedSinceRotation =
    old !== null && old.last_used_at !== null && old.last_used_at > fresh.created_at
      ? old.last_used_at
      : null;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <p className="breadcrumb">
            <Link to="/settings/tokens">Tokens</Link> / Rotation
          </p>
          <h1 className="page-title break">Rotation of {old?.name ?? 'a token'}</h1>
          <p className="page-lead">
            <span className="mono">{old?.masked ?? ''}</span> → <span className="mono">{fresh.masked}</span> (
            <span className="break">{fresh.name}</span>)
          </p>
        </div>
      </header>
      <RotationSteps current={step} />

      <section className="card" aria-labelledby="verify-heading">
        <h2 id="verify-heading" className="section-title">
          Verify the replacement
        </h2>
        <div role="status" className={isUsed ? 'alert alert-success' : 'alert alert-info'}>
          {isUsed ? (
            <p>
              <strong>The replacement works.</strong> {fresh.name} was first seen in use{' '}
              {relativeTime(new Date(firstSeen ?? fresh.last_used_at ?? ''), now)}
              {fresh.last_used_ip ? ` from ${fresh.last_used_ip}` : ''}.
            </p>
          ) : (
            <p>
              <strong>Waiting for the first use of {fresh.name}…</strong> Update the app, CLI config or CI
              secret with the new token, then run it once. This page updates by itself.
            </p>
          )}
        </div>
        {isUsed ? (
          <UseReport token={fresh} now={now} />
        ) : (
          <p className="hint">
            To check it by hand:{' '}
            <code className="break">
              curl -H &quot;Authorization: Bearer $SKYTELLS_TOKEN&quot; {window.location.origin}
              /v1/tokens/self
            </code>
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="old-heading">
        <h2 id="old-heading" className="section-title">
          Revoke the old token
        </h2>
        {old === null ? (
          <p className="muted" aria-busy="true">
            Loading the old token…
          </p>
        ) : oldGone ? (
          <p className="alert alert-success" role="status">
            <strong>
              {old.name} is {old.status}.
            </strong>{' '}
            The rotation is complete. <Link to="/settings/tokens">Back to tokens</Link>
          </p>
        ) : (
          <>
            <p>
              <strong className="break">{old.name}</strong> (<span className="mono">{old.masked}</span>) still
              works. Anything that holds it keeps access until it is revoked — do not delay: a token that
              exists can be used.
            </p>
            <p>
              Old token last used:{' '}
              {old.last_used_at === null ? (
                <span className="muted">never</span>
              ) : (
                <>
                  <Time at={old.last_used_at} now={now} />
                  {old.last_used_ip ? ` from ${old.last_used_ip}` : ''}
                </>
              )}
              .
            </p>
            {oldUsedSinceRotation !== null ? (
              <p className="alert alert-warning">
                The old token was used {relativeTime(new Date(oldUsedSinceRotation), now)}, after the
                replacement was created: something still holds it. Update it before revoking, or it stops
                working.
              </p>
            ) : null}
            {old.revoke_on_first_use_of === fresh.id ? (
              <p className="alert alert-info">
                It will be revoked automatically as soon as {fresh.name} is first used.
              </p>
            ) : null}
            {scheduled !== null ? (
              <p className="alert alert-info">
                It will be revoked automatically {relativeTime(new Date(scheduled), now)} (
                {exactTime(new Date(scheduled))}).
              </p>
            ) : null}
            <div className="form-actions">
              <button
                type="button"
                className={isUsed ? 'button button-danger' : 'button button-danger-quiet'}
                onClick={() => setRevoking(true)}
              >
                Revoke old token
              </button>
            </div>
          </>
        )}
      </section>

      {revoking && old !== null ? (
        <RevokeDialog
          token={old}
          confirmLabel="Revoke token"
          warning={
            isUsed
              ? undefined
              : `${fresh.name} has not been used yet. If the app still holds the old token, it stops working now.`
          }
          onRevoked={(revoked) => {
            setOld(revoked);
            setRevoking(false);
          }}
          onClose={() => setRevoking(false)}
        />
      ) : null}
    </div>
  );
}
