import { describe, expect, it } from 'vitest';
import { carryNext, CONSOLE_HOME, destinationAfterSignIn, searchOf } from '../../web/src/auth/next-path.js';

const after = (next: string) => destinationAfterSignIn(`?next=${encodeURIComponent(next)}`);

describe('where the console goes after signing in', () => {
  it.each([
    '/oauth/authorize?client_id=skytells-cli&redirect_uri=http%3A%2F%2F127.0.0.1%3A4000%2Fcallback&state=x',
    '/oauth/authorize',
    '/device',
    '/device?user_code=BCDF-GHJK',
  ])('loads the server page %s as a whole document', (next) => {
    expect(after(next)).toEqual({ kind: 'server', path: next });
  });

  it.each(['/settings/audit', '/settings/tokens?status=revoked', '/settings/tokens/tok_01abc'])(
    'opens the console page %s in the app',
    (next) => {
      expect(after(next)).toEqual({ kind: 'console', path: next });
    },
  );

  it.each([
    '//evil.com',
    '//evil.com/device',
    'https://evil.com/oauth/authorize',
    'http://127.0.0.1:8080/device',
    '/\\evil.com',
    '/\\/evil.com/device',
    '\\\\evil.com',
    'javascript:alert(1)',
    ' /device',
    '/device\n',
    '/dev\tice',
    '/device#x',
    '/device/../oauth/authorize',
    '/devices',
    '/oauth/authorize/../../evil',
    '/oauth/token',
    '/DEVICE',
    '/v1/tokens',
    '/settings\\evil',
    'device',
    '',
  ])('refuses %j and goes to the console home instead', (next) => {
    expect(after(next)).toEqual({ kind: 'console', path: CONSOLE_HOME });
  });

  it('goes to the console home without a next parameter', () => {
    expect(destinationAfterSignIn('')).toEqual({ kind: 'console', path: CONSOLE_HOME });
    expect(destinationAfterSignIn('?other=1')).toEqual({ kind: 'console', path: CONSOLE_HOME });
  });

  it('reads next from a path and carries it between sign-in and sign-up unchanged', () => {
    const path = `/signin?next=${encodeURIComponent('/device?user_code=BCDF-GHJK')}`;
    expect(searchOf(path)).toBe('?next=%2Fdevice%3Fuser_code%3DBCDF-GHJK');
    expect(searchOf('/signin')).toBe('');
    expect(carryNext(searchOf(path))).toBe('?next=%2Fdevice%3Fuser_code%3DBCDF-GHJK');
    expect(carryNext('')).toBe('');
  });
});
