// CRC-32 (ISO 3309, the polynomial of zlib and PNG), reflected, table-driven.
const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}

/**
 * CRC-32 of an ASCII string, as an unsigned 32-bit integer; the same value as zlib's `crc32`.
 * Token bodies are ASCII by construction, so each character is one byte. With `length`, only the
 * first `length` characters count (no substring is made).
 */
export function crc32(ascii: string, length = ascii.length): number {
  let crc = 0xffffffff;
  for (let i = 0; i < length; i++) {
    crc = (TABLE[(crc ^ ascii.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
