// Answers kept for reuse are kept as the bytes to send.

/**
 * `text` as UTF-8 in an allocation of its own. A small `Buffer.from()` is a slice of a shared 8 KiB pool, and a kept
 * slice would pin the whole pool chunk.
 */
export function keptUtf8(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}
