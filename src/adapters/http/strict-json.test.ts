import { describe, expect, it } from 'vitest';
import { assertStrictJson, decodeUtf8, StrictJsonError } from './strict-json.js';

/** The message `assertStrictJson(text)` refuses `text` with, or undefined when it accepts it. */
function refusal(text: string): string | undefined {
  JSON.parse(text); // the checks only ever see text the grammar accepted
  try {
    assertStrictJson(text);
    return undefined;
  } catch (error) {
    if (error instanceof StrictJsonError) return error.message;
    throw error;
  }
}

describe('assertStrictJson', () => {
  it.for([
    '{}',
    '[]',
    '"text"',
    '42',
    '{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}',
    '[{"id":1,"id2":2},{"id":1,"id2":2}]',
    '{"a":"}{\\"a\\":1,","b":"[\\\\"}',
    '{"a":1,"A":2,"a ":3}',
    '{"rocket":"\\ud83d\\ude80","raw":"🚀","text":"\\u00e9\\n\\t"}',
    '{"":1,"x":{"":2}}',
    '  {  "a" : [ 1 , { "a" : [ ] } ] , "b" : { } }  ',
  ])('accepts %s', (text) => {
    expect(refusal(text)).toBeUndefined();
  });

  it.for([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":1,"b":2,"a":1}', 'a'],
    ['{"x":{"y":{"deep":true,"deep":false}}}', 'deep'],
    ['[1,[2,{"k":1,"k":2}]]', 'k'],
    ['{"name":"a","n\\u0061me":"b"}', 'name'],
    ['{"":1,"":2}', ''],
    ['{"a":{"b":1},"c":[{"d":1}],"a":0}', 'a'],
  ] as const)('refuses %s as repeating the key "%s"', ([text, key]) => {
    expect(refusal(text)).toBe(`The body repeats the key ${JSON.stringify(key)}.`);
  });

  it('shortens a long repeated key in its message', () => {
    const key = 'k'.repeat(200);
    const message = refusal(`{"${key}":1,"${key}":2}`);
    expect(message).toContain(`"${'k'.repeat(40)}…"`);
    expect(message).not.toContain('k'.repeat(41));
  });

  it.for([
    '{"name":"\\ud800"}',
    '{"name":"\\udc00"}',
    '{"name":"a\\ud83d"}',
    '{"name":"\\ude80\\ud83d"}',
    '{"name":"\\ud83d\\u0041"}',
    '["\\udfff"]',
    '{"\\ud800":1}',
    '"\\uD800"',
  ])('refuses %s for its unpaired surrogate', (text) => {
    expect(refusal(text)).toMatch(/unpaired surrogate/);
  });
});

describe('decodeUtf8', () => {
  it('decodes well-formed UTF-8, multi-byte characters included', () => {
    expect(decodeUtf8(Buffer.from('{"name":"é 🚀"}', 'utf8'))).toBe('{"name":"é 🚀"}');
  });

  it.for([
    ['a lone continuation byte', [0x80]],
    ['a byte never used in UTF-8', [0xff]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['an overlong slash', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ] as const)('refuses %s', ([, bytes]) => {
    const body = Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('"}')]);
    expect(() => decodeUtf8(body)).toThrow(new StrictJsonError('The body is not valid UTF-8.'));
  });
});
