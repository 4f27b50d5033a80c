import { MAX_ALLOWED_IPS, MAX_RESTRICTED_PROJECTS } from '@skytells/contract';
import ipaddr from 'ipaddr.js';
import { invalidField } from './errors.js';
import type { TokenRestrictions } from './model.js';

/** Bounds of a token's `rate_limit` (docs/tokens.md, "Restrictions"). */
export const MAX_RATE_LIMIT_REQUESTS = 100_000;
export const MAX_RATE_LIMIT_SECONDS = 86_400;

/**
 * Restrictions as a caller asks for them: a part given, null for explicitly none of that kind, or
 * absent, which {@link resolveRestrictions} decides.
 */
export interface RestrictionsInput {
  allowedIps?: string[] | null;
  rateLimit?: { requests: number; perSeconds: number } | null;
  projects?: string[] | null;
}

/** An address range: a network address and the length of its prefix. */
interface Range {
  network: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
}

/** The parsed ranges of one `allowedIps` list, and the last address checked against them. */
interface IpMatcher {
  ranges: readonly Range[];
  lastIp: string | undefined;
  lastAllowed: boolean;
}

const PROJECT_ID = /^prj_[A-Za-z0-9]{1,60}$/;

/**
 * Parsed matchers, beside the restrictions object of a (cached) token: each list is parsed once per
 * loaded token, never per request, and goes when the token leaves the cache.
 */
const matchers = new WeakMap<TokenRestrictions, IpMatcher>();

/**
 * The range an address (`203.0.113.7`, `2001:db8::1`) or CIDR (`10.0.0.0/8`, `2001:db8::/32`)
 * names, or undefined. IPv4 is four decimal parts only (no `0x7f.1`); an IPv4-mapped IPv6 range
 * (`::ffff:10.0.0.0/104`) is its IPv4 range; host bits past the prefix are cleared.
 */
function parseRange(entry: string): Range | undefined {
  const slash = entry.indexOf('/');
  const text = slash === -1 ? entry : entry.slice(0, slash);
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) address = ipaddr.IPv4.parse(text);
  else if (!text.includes('%') && ipaddr.IPv6.isValid(text)) address = ipaddr.IPv6.parse(text);
  else return undefined;
  const bits = address.kind() === 'ipv4' ? 32 : 128;
  let prefix = bits;
  if (slash !== -1) {
    const prefixText = entry.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
    prefix = Number(prefixText);
  }
  if (address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() && prefix >= 96) {
    address = address.toIPv4Address();
    prefix -= 96;
  }
  const bytes = address.toByteArray().map((byte, i) => {
    const kept = Math.min(8, Math.max(0, prefix - i * 8));
    return byte & ((0xff << (8 - kept)) & 0xff);
  });
  return { network: ipaddr.fromByteArray(bytes), prefix };
}

/** The canonical text of `range`: the address alone for a single address, else `network/prefix`. */
function rangeText(range: Range): string {
  const bits = range.network.kind() === 'ipv4' ? 32 : 128;
  return range.prefix === bits ? range.network.toString() : `${range.network.toString()}/${range.prefix}`;
}

/** Whether `inner` lies wholly inside `outer`. */
function isWithin(inner: Range, outer: Range): boolean {
  return (
    inner.network.kind() === outer.network.kind() &&
    inner.prefix >= outer.prefix &&
    inner.network.match(outer.network, outer.prefix)
  );
}

function rangesOf(allowedIps: readonly string[]): Range[] {
  return allowedIps.map((entry) => parseRange(entry)).filter((range) => range !== undefined);
}

/**
 * Validates and normalizes what a caller asks for: each address or CIDR in canonical form, lists
 * without repeats. An empty `allowedIps` is refused (a token usable from nowhere); an empty
 * `projects` is a token that sees no project; a null part (none of that kind) stays null.
 * @returns only the parts given, each parsed, null ones null.
 * @throws ApiError `validation_failed` naming the field and, for a list, the entry.
 */
export function parseRestrictions(input: RestrictionsInput): RestrictionsInput {
  const parsed: RestrictionsInput = {};
  if (input.allowedIps === null) parsed.allowedIps = null;
  else if (input.allowedIps !== undefined) {
    if (input.allowedIps.length === 0 || input.allowedIps.length > MAX_ALLOWED_IPS) {
      throw invalidField('allowed_ips', `must name 1 to ${MAX_ALLOWED_IPS} addresses or CIDRs`);
    }
    const canonical = input.allowedIps.map((entry, i) => {
      const range = parseRange(entry.trim());
      if (range === undefined) {
        throw invalidField(
          `allowed_ips[${i}]`,
          `"${entry.slice(0, 64)}" is not an IPv4/IPv6 address or CIDR (such as 203.0.113.0/24 or 2001:db8::/32)`,
        );
      }
      return rangeText(range);
    });
    parsed.allowedIps = [...new Set(canonical)];
  }
  if (input.rateLimit === null) parsed.rateLimit = null;
  else if (input.rateLimit !== undefined) {
    const { requests, perSeconds } = input.rateLimit;
    if (!Number.isInteger(requests) || requests < 1 || requests > MAX_RATE_LIMIT_REQUESTS) {
      throw invalidField(
        'rate_limit.requests',
        `must be a whole number from 1 to ${MAX_RATE_LIMIT_REQUESTS}`,
      );
    }
    if (!Number.isInteger(perSeconds) || perSeconds < 1 || perSeconds > MAX_RATE_LIMIT_SECONDS) {
      throw invalidField(
        'rate_limit.per_seconds',
        `must be a whole number from 1 to ${MAX_RATE_LIMIT_SECONDS}`,
      );
    }
    parsed.rateLimit = { requests, perSeconds };
  }
  if (input.projects === null) parsed.projects = null;
  else if (input.projects !== undefined) {
    if (input.projects.length > MAX_RESTRICTED_PROJECTS) {
      throw invalidField('projects', `must name at most ${MAX_RESTRICTED_PROJECTS} projects`);
    }
    input.projects.forEach((id, i) => {
      if (!PROJECT_ID.test(id))
        throw invalidField(`projects[${i}]`, `"${id.slice(0, 64)}" is not a project id`);
    });
    parsed.projects = [...new Set(input.projects)];
  }
  return parsed;
}

/**
 * The restrictions of a token made from `input` (parsed by {@link parseRestrictions}): each part
 * given is taken, a null part is none of that kind, and each absent part is `inherited`'s (the
 * replaced token's on rotation, the calling token's on creation); null when nothing restricts.
 * Whether the caller may drop a part is {@link assertNarrower}'s to say.
 */
export function resolveRestrictions(
  input: RestrictionsInput,
  inherited: TokenRestrictions | null,
): TokenRestrictions | null {
  const allowedIps = input.allowedIps === undefined ? (inherited?.allowedIps ?? null) : input.allowedIps;
  const rateLimit = input.rateLimit === undefined ? (inherited?.rateLimit ?? null) : input.rateLimit;
  const projects = input.projects === undefined ? (inherited?.projects ?? null) : input.projects;
  return allowedIps === null && rateLimit === null && projects === null
    ? null
    : { allowedIps, rateLimit, projects };
}

/**
 * Refuses `restrictions` unless each part is as narrow as `bound`'s or narrower (docs/tokens.md,
 * "Narrower"): every range inside one of the bound's ranges; no more requests per window and no
 * higher rate (`requests / perSeconds`); a subset of the projects. A part the bound leaves null
 * allows anything; a part the bound sets may not be null.
 * @param boundName what the bound belongs to, for the message: "the replaced token", "the calling token".
 * @throws ApiError `validation_failed` naming the field.
 */
export function assertNarrower(
  restrictions: TokenRestrictions | null,
  bound: TokenRestrictions | null,
  boundName: string,
): void {
  if (bound === null) return;
  const wider = (field: string, what: string) =>
    invalidField(field, `must be as narrow as ${boundName}'s or narrower: ${what}`);
  if (bound.allowedIps !== null) {
    const outer = rangesOf(bound.allowedIps);
    const given = restrictions?.allowedIps ?? null;
    if (given === null) throw wider('allowed_ips', `it is limited to ${bound.allowedIps.join(', ')}`);
    const outside = given.find((entry) => {
      const range = parseRange(entry);
      return range === undefined || !outer.some((bounding) => isWithin(range, bounding));
    });
    if (outside !== undefined)
      throw wider('allowed_ips', `${outside} is outside ${bound.allowedIps.join(', ')}`);
  }
  if (bound.rateLimit !== null) {
    const limit = bound.rateLimit;
    const given = restrictions?.rateLimit ?? null;
    const text = `${limit.requests} per ${limit.perSeconds} seconds`;
    if (given === null) throw wider('rate_limit', `it is limited to ${text}`);
    // Cross-multiplied: requests/perSeconds ≤ limit.requests/limit.perSeconds, in integers.
    if (
      given.requests > limit.requests ||
      given.requests * limit.perSeconds > limit.requests * given.perSeconds
    ) {
      throw wider('rate_limit', `${given.requests} per ${given.perSeconds} seconds exceeds ${text}`);
    }
  }
  if (bound.projects !== null) {
    const allowed = new Set(bound.projects);
    const given = restrictions?.projects ?? null;
    if (given === null) throw wider('projects', `it is limited to ${bound.projects.length} project(s)`);
    const outside = given.find((id) => !allowed.has(id));
    if (outside !== undefined) throw wider('projects', `${outside} is not among its projects`);
  }
}

/**
 * Whether a request from `ip` may use a token with `restrictions`: always when it names no
 * addresses. An IPv4-mapped IPv6 address (`::ffff:203.0.113.7`) is its IPv4 address. The list is
 * parsed on the first check of a loaded token; the last address's answer is kept beside it.
 */
export function isIpAllowed(restrictions: TokenRestrictions, ip: string | null): boolean {
  if (restrictions.allowedIps === null) return true;
  if (ip === null) return false;
  let matcher = matchers.get(restrictions);
  if (matcher === undefined) {
    matcher = { ranges: rangesOf(restrictions.allowedIps), lastIp: undefined, lastAllowed: false };
    matchers.set(restrictions, matcher);
  }
  if (matcher.lastIp === ip) return matcher.lastAllowed;
  let allowed = false;
  try {
    const address = ipaddr.process(ip);
    allowed = matcher.ranges.some(
      (range) => range.network.kind() === address.kind() && address.match(range.network, range.prefix),
    );
  } catch {
    allowed = false;
  }
  matcher.lastIp = ip;
  matcher.lastAllowed = allowed;
  return allowed;
}

/** Whether a caller limited to `projects` (null: every project) may see and act on `projectId`. */
export function isProjectAllowed(projects: readonly string[] | null, projectId: string): boolean {
  return projects === null || projects.includes(projectId);
}
