/** What was read of an HTTP body, and whether it was cut at the limit. */
export interface BodyText {
  readonly text: string;
  readonly cut: boolean;
}

export const MiB = 1024 * 1024;

/**
 * Reads a body as UTF-8 text, at most `limit` bytes: past it, stops reading and drops the
 * connection, so a server that never stops sending costs `limit` and no more.
 */
export async function readBodyText(
  body: AsyncIterable<Buffer | Uint8Array | string> & { destroy(): unknown },
  limit: number,
): Promise<BodyText> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const bytes =
      typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (size + bytes.length > limit) {
      chunks.push(bytes.subarray(0, limit - size));
      body.destroy();
      return { text: Buffer.concat(chunks).toString("utf8"), cut: true };
    }
    chunks.push(bytes);
    size += bytes.length;
  }
  return { text: Buffer.concat(chunks).toString("utf8"), cut: false };
}
