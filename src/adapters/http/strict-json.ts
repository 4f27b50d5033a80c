/**
 * Strict reading of JSON request bodies. `JSON.parse` checks the grammar; these checks refuse what
 * the grammar lets through but a receiver must not guess at: bytes that are not UTF-8 (RFC 8259 §8.1),
 * repeated object keys (RFC 8259 §4: names SHOULD be unique, and parsers disagree on which one wins)
 * and `\u` escapes that leave a surrogate unpaired (RFC 8259 §8.2, RFC 7493 §2.1: I-JSON).
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

// With the u flag a well-formed pair is one code point, so only an unpaired surrogate matches.
const LONE_SURROGATE = /\p{Cs}/u;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** How a request body breaks the strict rules, in words fit for a client. */
export class StrictJsonError extends Error {
  override readonly name = 'StrictJsonError';
}

/**
 * The text of a UTF-8 body.
 * @throws StrictJsonError when `body` is not well-formed UTF-8 (overlong forms and encoded
 * surrogates included).
 */
export function decodeUtf8(body: Uint8Array): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new StrictJsonError('The body is not valid UTF-8.');
  }
}

/** `key` as a short, quoted fragment for an error message. */
function quoted(key: string): string {
  const shown = [...key].length > 40 ? `${[...key].slice(0, 40).join('')}…` : key;
  return JSON.stringify(shown);
}

/**
 * Checks text that `JSON.parse` has accepted for repeated keys in any object and for strings
 * (keys included) with an unpaired surrogate. One pass, no recursion, so depth costs nothing.
 * @throws StrictJsonError naming the first problem found.
 */
export function assertStrictJson(text: string): void {
  // One entry per open container: the keys seen so far in an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let expectingKey = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      let end = i + 1;
      let escaped = false;
      for (; end < text.length && text.charCodeAt(end) !== QUOTE; end++) {
        if (text.charCodeAt(end) === BACKSLASH) {
          escaped = true;
          end += 1;
        }
      }
      const value = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
      if (LONE_SURROGATE.test(value)) {
        throw new StrictJsonError(
          'The body has a string with an unpaired surrogate (such as "\\ud800"); strings must be valid Unicode.',
        );
      }
      const keys = open.at(-1);
      if (expectingKey && keys) {
        if (keys.has(value)) throw new StrictJsonError(`The body repeats the key ${quoted(value)}.`);
        keys.add(value);
        expectingKey = false;
      }
      i = end;
    } else if (code === OPEN_BRACE) {
      open.push(new Set());
      expectingKey = true;
    } else if (code === OPEN_BRACKET) {
      open.push(null);
      expectingKey = false;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      open.pop();
      expectingKey = false;
    } else if (code === COMMA) {
      expectingKey = open.at(-1) instanceof Set;
    } else if (code === COLON) {
      expectingKey = false;
    }
  }
}
