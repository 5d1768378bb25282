/** Stream ids of Docker's stdcopy framing. */
export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;

/**
 * Frames one chunk for a multiplexed (non-tty) attach/logs stream:
 * 8-byte header [stream, 0, 0, 0, uint32 BE length] then the payload.
 */
export function frame(stream: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Encodes one JSON-lines message as Docker's progress streams send it. */
export function jsonLine(message: unknown): string {
  return JSON.stringify(message) + "\r\n";
}
