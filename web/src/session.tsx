import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { api, onSignedOut, setCsrfToken } from './api';
import type { Account } from './types';

/** Who is signed in to the console. */
export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; reason?: 'expired' | 'signed-out' }
  | { status: 'signed-in'; account: Account };

interface SessionApi {
  state: SessionState;
  /** Records a successful sign-in. */
  signedIn: (account: Account, csrfToken: string) => void;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

/** Recovers the session after a reload (`GET /v1/sessions/current`) and keeps its CSRF token. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    let live = true;
    api.currentSession().then(
      ({ account, csrf_token }) => {
        setCsrfToken(csrf_token);
        if (live) setState({ status: 'signed-in', account });
      },
      () => {
        if (live) setState({ status: 'signed-out' });
      },
    );
    const stop = onSignedOut(() => {
      setCsrfToken(null);
      setState((current) =>
        current.status === 'signed-in' ? { status: 'signed-out', reason: 'expired' } : current,
      );
    });
    return () => {
      live = false;
      stop();
    };
  }, []);

  const signedIn = useCallback((account: Account, csrfToken: string) => {
    setCsrfToken(csrfToken);
    setState({ status: 'signed-in', account });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      setCsrfToken(null);
      setState({ status: 'signed-out', reason: 'signed-out' });
    }
  }, []);

  const value = useMemo(() => ({ state, signedIn, signOut }), [state, signedIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The session of the console. */
export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (session === null) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in account; only for pages behind the sign-in. */
export function useAccount(): Account {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useAccount while signed out');
  return state.account;
}
