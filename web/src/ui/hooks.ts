import { type RefObject, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import type { ScopeInfo } from '../types';

/**
 * Moves the focus to `ref`'s element when it appears: for content that replaces the control the
 * user was on (a submitted form), so keyboard and screen-reader users continue from there.
 */
export function useFocusOnMount(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => ref.current?.focus(), [ref]);
}

/**
 * A function that moves the focus to `ref`'s element once React has committed the change it is
 * called with: after a form or dialog that closes in that change has done its own focusing (a
 * dialog giving the focus back to a row that is gone), and once the element is there again.
 */
export function useFocusAfterCommit(ref: RefObject<HTMLElement | null>): () => void {
  const [pending, setPending] = useState(false);
  useEffect(() => {
    if (!pending) return;
    ref.current?.focus();
    setPending(false);
  }, [pending, ref]);
  return () => setPending(true);
}

/** The current time, refreshed every `intervalMs` so relative times stay true. */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = window.setInterval(() => setNow(new Date()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs]);
  return now;
}

/**
 * Calls `callback` every `intervalMs` while the page is visible, and as soon as it becomes visible
 * or focused again (the user comes back from the terminal where they used a token).
 */
export function usePolling(callback: () => void, intervalMs: number, enabled = true): void {
  const saved = useRef(callback);
  useEffect(() => {
    saved.current = callback;
  });
  useEffect(() => {
    if (!enabled) return undefined;
    const tick = () => {
      if (document.visibilityState === 'visible') saved.current();
    };
    const id = window.setInterval(tick, intervalMs);
    document.addEventListener('visibilitychange', tick);
    window.addEventListener('focus', tick);
    return () => {
      window.clearInterval(id);
      document.removeEventListener('visibilitychange', tick);
      window.removeEventListener('focus', tick);
    };
  }, [intervalMs, enabled]);
}

let scopeCatalogue: Promise<ScopeInfo[]> | null = null;

/** The scope catalogue of `GET /v1/scopes`, fetched once. `null` while loading. */
export function useScopes(): { scopes: ScopeInfo[] | null; error: string | null } {
  const [scopes, setScopes] = useState<ScopeInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    scopeCatalogue ??= api.scopes().then((body) => body.data);
    scopeCatalogue.then(
      (data) => live && setScopes(data),
      (failure: unknown) => {
        scopeCatalogue = null;
        if (live) setError(failure instanceof Error ? failure.message : 'The scopes could not be loaded.');
      },
    );
    return () => {
      live = false;
    };
  }, []);
  return { scopes, error };
}

/** Sets the document title for this page. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Skytells Access`;
  }, [title]);
}
