import Bowser from 'bowser';

/** `value`, or undefined when it is missing or blank (Bowser reports what it cannot tell as ""). */
function named(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * A short description of the browser and operating system `userAgent` names, e.g. "Firefox 133 on
 * Linux"; the user agent itself (shortened) when it names neither, as a script's does ("curl/8.5.0");
 * "Unknown device" when there is none.
 */
export function describeDevice(userAgent: string | null): string {
  if (userAgent === null || userAgent.trim() === '') return 'Unknown device';
  const parsed = Bowser.parse(userAgent);
  const name = named(parsed.browser.name);
  const version = named(parsed.browser.version)?.split('.')[0];
  const browser = name === undefined ? undefined : version === undefined ? name : `${name} ${version}`;
  const os = named(parsed.os.name);
  if (browser !== undefined && os !== undefined) return `${browser} on ${os}`;
  return browser ?? os ?? userAgent.trim().slice(0, 60);
}
