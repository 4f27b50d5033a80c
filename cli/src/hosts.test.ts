import { describe, expect, it } from 'vitest';
import { CliError, ExitCode } from './errors.js';
import { DEFAULT_HOST, loginCommandFor, normaliseHost, resolveHost } from './hosts.js';

describe('normaliseHost', () => {
  it('adds https:// to a remote host and http:// to a loopback one', () => {
    expect(normaliseHost('skytells.example.com')).toBe('https://skytells.example.com');
    expect(normaliseHost('127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(normaliseHost('localhost:3000/')).toBe('http://localhost:3000');
  });

  it('keeps a path prefix and drops trailing slashes and default ports', () => {
    expect(normaliseHost('https://example.com:443/skytells/')).toBe('https://example.com/skytells');
  });

  it('takes a bare host only when it looks like one: localhost, an IP address or a dotted name', () => {
    expect(normaliseHost('10.0.0.5:8443')).toBe('https://10.0.0.5:8443');
    expect(normaliseHost('[::1]:8080')).toBe('http://[::1]:8080');
    expect(normaliseHost('[2001:db8::1]:8080')).toBe('https://[2001:db8::1]:8080');
    for (const bad of [
      'notaurl',
      'skytells:8080',
      '-bad.example.com',
      'a..example',
      'under_score.example',
      '',
    ]) {
      expect(() => normaliseHost(bad), bad).toThrow(/is not a server address|names no host/);
    }
  });

  it('takes any host name after an explicit scheme, such as a container name', () => {
    expect(normaliseHost('http://skytells:8080')).toBe('http://skytells:8080');
    expect(normaliseHost('https://notaurl')).toBe('https://notaurl');
  });

  it('names the flag or variable the bad value came from, with an example, as a usage error', () => {
    const error = (() => {
      try {
        resolveHost(undefined, 'notaurl');
      } catch (caught) {
        return caught as CliError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(CliError);
    expect(error?.exitCode).toBe(ExitCode.usage);
    expect(error?.message).toBe('SKYTELLS_HOST "notaurl" is not a server address.');
    expect(error?.hint).toContain('https://skytells.example.com');
    expect(() => resolveHost('notaurl', undefined)).toThrow('--host "notaurl" is not a server address.');
    expect(() => normaliseHost('https:///path')).toThrow('names no host');
  });

  it('refuses other schemes and URLs carrying credentials, with a usage error', () => {
    for (const bad of ['ftp://example.com', 'https://user:pw@example.com', 'https://example.com/?x=1']) {
      expect(() => normaliseHost(bad)).toThrow(CliError);
    }
  });
});

describe('resolveHost', () => {
  it('prefers --host, then SKYTELLS_HOST, then the last login, then the default', () => {
    expect(resolveHost('a.example', 'b.example', 'https://c.example')).toEqual({
      host: 'https://a.example',
      source: 'flag',
    });
    expect(resolveHost(undefined, 'b.example', 'https://c.example').host).toBe('https://b.example');
    expect(resolveHost(undefined, undefined, 'https://c.example').host).toBe('https://c.example');
    expect(resolveHost(undefined, undefined)).toEqual({ host: DEFAULT_HOST, source: 'default' });
  });

  it('repeats --host in the login command only when the host came from the flag', () => {
    expect(loginCommandFor({ host: 'https://a.example', source: 'flag' })).toBe(
      'skytells login --host https://a.example',
    );
    expect(loginCommandFor({ host: 'https://a.example', source: 'env' })).toBe('skytells login');
  });
});
