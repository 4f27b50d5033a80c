import Bowser from 'bowser';

/**
 * A short description of the browser and operating system `userAgent` names, e.g. "Firefox 133 on
 * Linux", for the session list and account e-mail; "Unknown device" when it names neither.
 */
export function describeDevice(userAgent: string | null): string {
  if (userAgent === null || userAgent.trim() === '') return 'Unknown device';
  const parsed = Bowser.parse(userAgent);
  const version = parsed.browser.version?.split('.')[0];
  const browser =
    parsed.browser.name === undefined ? undefined : [parsed.browser.name, version].filter(Boolean).join(' ');
  const os = parsed.os.name;
  if (browser !== undefined && os !== undefined) return `${browser} on ${os}`;
  return browser ?? os ?? userAgent.slice(0, 60);
}
