// sha256 of files and bytes, as the catalogue records them (hex), read in pieces so large arrays
// never sit in memory whole.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export const sha256Bytes = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
