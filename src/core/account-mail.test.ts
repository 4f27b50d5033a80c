import { describe, expect, it } from 'vitest';
import { escapeHtml, type MailContent, renderHtml, renderText } from './account-mail.js';
import { retryDelayMs } from './mail-delivery.js';

const content: MailContent = {
  subject: 'Your Skytells token "<b>x</b>" was revoked because it leaked',
  summary: 'Your access token "<script>alert(1)</script>" was revoked.',
  facts: [
    { label: 'When', value: '2026-12-01 12:00:00 UTC' },
    { label: 'User agent', value: 'curl/8.5.0 "quoted" & <tagged>' },
  ],
  advice: 'Create a replacement.',
  action: { label: 'Open the token', url: 'https://access.example.test/settings/tokens/tok_1?a=1&b="2"' },
};

describe('account e-mail rendering', () => {
  it('escapes every value in the HTML part, so a token name or user agent cannot inject markup', () => {
    const html = renderHtml(content);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<tagged>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(
      'href="https://access.example.test/settings/tokens/tok_1?a=1&amp;b=&quot;2&quot;"',
    );
    expect(escapeHtml(`'`)).toBe('&#39;');
  });

  it('writes the plain-text part with aligned facts and the link in full', () => {
    const text = renderText(content);
    expect(text).toContain('  When:       2026-12-01 12:00:00 UTC');
    expect(text).toContain('  User agent: curl/8.5.0 "quoted" & <tagged>');
    expect(text).toContain('Open the token: https://access.example.test/settings/tokens/tok_1?a=1&b="2"');
  });
});

describe('mail retry back-off', () => {
  it('waits 30 s after the first failure, doubling up to an hour', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map(retryDelayMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000,
    ]);
  });
});
