import { describe, expect, it } from 'vitest';
import { AesGcmSecretBox } from './aes-gcm-secret-box.js';

const SECRET = 'a server secret of at least thirty-two bytes';
const plain = Buffer.from('JBSWY3DPEHPK3PXP');

describe('AesGcmSecretBox', () => {
  it('opens what it sealed for the same associated data', () => {
    const box = new AesGcmSecretBox(SECRET, 'totp-secret');
    const sealed = box.seal(plain, 'acc_1');
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]+$/);
    expect(Buffer.from(box.open(sealed, 'acc_1'))).toEqual(plain);
  });

  it('never writes the plaintext and uses a new nonce each time', () => {
    const box = new AesGcmSecretBox(SECRET, 'totp-secret');
    const one = box.seal(plain, 'acc_1');
    const two = box.seal(plain, 'acc_1');
    expect(one).not.toBe(two);
    expect(one).not.toContain(plain.toString());
    expect(one).not.toContain(plain.toString('base64url'));
  });

  it('refuses a value sealed for another account', () => {
    const box = new AesGcmSecretBox(SECRET, 'totp-secret');
    expect(() => box.open(box.seal(plain, 'acc_1'), 'acc_2')).toThrow();
  });

  it('refuses an altered value, another purpose, another secret and an unknown version', () => {
    const box = new AesGcmSecretBox(SECRET, 'totp-secret');
    const sealed = box.seal(plain, 'acc_1');
    const [version, nonce, body] = sealed.split('.') as [string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => box.open(`${version}.${nonce}.${flipped.toString('base64url')}`, 'acc_1')).toThrow();
    expect(() => new AesGcmSecretBox(SECRET, 'provider-key').open(sealed, 'acc_1')).toThrow();
    expect(() => new AesGcmSecretBox(`${SECRET}!`, 'totp-secret').open(sealed, 'acc_1')).toThrow();
    expect(() => box.open(`v2.${nonce}.${body}`, 'acc_1')).toThrow(/unknown format/);
  });
});
