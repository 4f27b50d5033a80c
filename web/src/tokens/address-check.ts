import ipaddr from 'ipaddr.js';
import { MAX_ALLOWED_IPS } from '@skytells/contract';

/** Whether `text` is an address the server accepts: IPv4 as four decimal parts, IPv6 without a zone. */
function addressKind(text: string): 'ipv4' | 'ipv6' | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return 'ipv4';
  if (!text.includes('%') && ipaddr.IPv6.isValid(text)) return 'ipv6';
  return undefined;
}

/**
 * Why one entry of "Only from these addresses" is not an IPv4/IPv6 address or CIDR, or `null` when it is
 * (`203.0.113.7`, `10.0.0.0/8`, `2001:db8::/32`); the same check as the server's (docs/tokens.md).
 */
export function addressProblem(entry: string): string | null {
  const slash = entry.indexOf('/');
  const address = slash === -1 ? entry : entry.slice(0, slash);
  const kind = addressKind(address);
  if (kind === undefined) {
    return `“${entry}” is not an IPv4 or IPv6 address. Write it like 203.0.113.7, 10.0.0.0/8 or 2001:db8::/32.`;
  }
  if (slash === -1) return null;
  const prefix = entry.slice(slash + 1);
  const max = kind === 'ipv4' ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
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

/** One message per entry that is not an address or CIDR, and one if there are too many. */
export function addressProblems(text: string): string[] {
  const lines = addressLines(text);
  const problems = lines.map(addressProblem).filter((problem): problem is string => problem !== null);
  if (lines.length > MAX_ALLOWED_IPS) {
    problems.push(`List at most ${MAX_ALLOWED_IPS} addresses or ranges; use CIDR ranges to cover more.`);
  }
  return problems;
}
