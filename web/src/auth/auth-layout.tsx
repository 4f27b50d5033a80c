import type { ReactNode } from 'react';
import { BrandMark } from '../ui/brand';

/** The centred card of the sign-in and sign-up pages. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth" id="main">
      <div className="auth-card card">
        <p className="brand brand-auth">
          <BrandMark />
          Skytells Access
        </p>
        <h1 className="auth-title">{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** "in 14 minutes" for a Retry-After of 840 seconds. */
export function retryText(seconds: number | null): string {
  if (seconds === null) return 'in a few minutes';
  if (seconds < 60) return `in ${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
}
