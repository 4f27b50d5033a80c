const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const PREFIX = /^(0|[1-9]\d{0,2})$/;

/** Whether `text` is an IPv6 address, by the browser's own URL parser (WHATWG URL §3.5 host parsing). */
function isIpv6(text: string): boolean {
  if (!text.includes(':') || /[[\]/%@]/.test(text)) return false;
  try {
    return new URL(`http://[${text}]/`).hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Why one entry of "Only from these addresses" is not an IPv4/IPv6 address or CIDR, or `null` when it is
 * (`203.0.113.7`, `10.0.0.0/8`, `2001:db8::/32`).
 */
export function addressProblem(entry: string): string | null {
  const [address = '', prefix, extra] = entry.split('/');
  if (extra !== undefined) return `“${entry}” has more than one “/”.`;
  const isV4 = IPV4.test(address);
  if (!isV4 && !isIpv6(address)) {
    return `“${entry}” is not an IPv4 or IPv6 address. Write it like 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32.`;
  }
  if (prefix === undefined) return null;
  const max = isV4 ? 32 : 128;
  if (!PREFIX.test(prefix) || Number(prefix) > max) {
    return `“${entry}”: the prefix after “/” must be a number from 0 to ${max}.`;
  }
  return null;
}

/** The non-empty lines of the addresses field, trimmed. */
export function addressLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
