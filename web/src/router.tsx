import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useSyncExternalStore } from 'react';

/**
 * A small history router with one extra: a page may guard against being left (the token value
 * shown once). Navigation then waits for the user's answer in a dialog the app renders.
 */

type Listener = () => void;

/** A navigation the current guard holds until the user answers. */
export interface PendingLeave {
  to: string;
  guard: LeaveGuard;
}

/** What a guarded page says when the user tries to leave it. */
export interface LeaveGuard {
  title: string;
  message: string;
  confirmLabel: string;
  cancelLabel: string;
}

const listeners = new Set<Listener>();
let path = window.location.pathname + window.location.search;
let guard: LeaveGuard | null = null;
let pending: PendingLeave | null = null;

function emit(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function go(to: string, replace: boolean): void {
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  path = to;
  if (!replace) window.scrollTo(0, 0);
  emit();
}

/** Goes to `to`, unless a guard holds the navigation until the user confirms. */
export function navigate(to: string, options: { replace?: boolean; force?: boolean } = {}): void {
  if (to === path) return;
  if (guard !== null && options.force !== true) {
    pending = { to, guard };
    emit();
    return;
  }
  go(to, options.replace ?? false);
}

window.addEventListener('popstate', () => {
  const target = window.location.pathname + window.location.search;
  if (guard !== null) {
    // Stay where we are until the user answers; the URL follows their choice.
    window.history.pushState(null, '', path);
    pending = { to: target, guard };
  } else {
    path = target;
  }
  emit();
});

window.addEventListener('beforeunload', (event) => {
  if (guard !== null) event.preventDefault();
});

/** Answers the pending leave: `true` leaves, `false` stays. */
export function resolvePendingLeave(leave: boolean): void {
  const current = pending;
  pending = null;
  if (current !== null && leave) {
    guard = null;
    go(current.to, false);
  } else {
    emit();
  }
}

/** The current path with its query. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => path);
}

/** The navigation waiting for an answer, if any. */
export function usePendingLeave(): PendingLeave | null {
  return useSyncExternalStore(subscribe, () => pending);
}

/** Asks before leaving the page while `active` is set. */
export function useLeaveGuard(active: LeaveGuard | null): void {
  useEffect(() => {
    guard = active;
    return () => {
      if (guard === active) guard = null;
    };
  }, [active]);
}

/** An in-app link: a real `<a href>` (open in a new tab works) that navigates without a reload. */
export function Link({ to, onClick, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handle} {...rest} />;
}

/** Matches `pattern` (`/settings/tokens/:id`) against `pathname`; the parameters, or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = pathname.replace(/\/+$/, '').split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = have[index] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return params;
}
