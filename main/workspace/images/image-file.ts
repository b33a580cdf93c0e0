// One image file, whatever its format: its header (size, grey or colour, bit depth) and its
// pixels. The format is told by the file's first bytes, not its extension: PNG and BMP go to
// Heatlab's own decoders (speed; sharp cannot read BMP), JPEG, TIFF (first page) and WebP to sharp.
import { extname } from 'node:path';
import sharp from 'sharp';
import { sentence } from '../../../shared/errors.js';
import { checkRegularFile, fileKinds, FileRefused, readRegularFile, readRegularFileRange } from '../read-regular-file.js';
import { decodeBmp, isBmp, readBmpHeader } from './bmp.js';
import { checkDecodedSize, MAX_PIXELS } from './image-limits.js';
import { decodePng, isPng, readPngHeader } from './png.js';
import type { ImageHeader, Raster } from './raster.js';

/** Extensions read from class folders (compared lower-case); any other file is ignored. */
export const imageExtensions: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.jpe', '.jfif', '.tif', '.tiff', '.webp', '.bmp', '.dib']);

export function hasImageExtension(name: string): boolean {
  return imageExtensions.has(extname(name).toLowerCase());
}

/** The format from the first bytes; also where a special file or an oversized one is refused, before anything else reads it. */
function sniff(path: string): 'png' | 'bmp' | 'other' {
  const bytes = readRegularFileRange(path, fileKinds.image, 0, 8);
  return isPng(bytes) ? 'png' : isBmp(bytes) ? 'bmp' : 'other';
}

// limitInputPixels as Heatlab's own decoders; the decoded-bytes limit is checked on the metadata before decoding.
const sharpOptions = { failOn: 'warning', autoOrient: true, limitInputPixels: MAX_PIXELS } as const;

/** Files up to this size reach sharp as a buffer: libvips opens a buffer about three times faster than a path. */
const BUFFER_LIMIT = 32 << 20;

/** Larger files go to libvips by path, checked just before (a regular file within the image cap). */
function sharpInput(path: string): Buffer | string {
  return checkRegularFile(path, fileKinds.image) <= BUFFER_LIMIT ? readRegularFile(path, fileKinds.image) : path;
}

/** sharp reports grey images as b-w/grey16; anything else (sRGB, CMYK, …) is read as colour. */
function isGreySpace(space: string): boolean {
  return space === 'b-w' || space === 'grey16';
}

function bitsOfDepth(depth: string): 8 | 16 {
  if (depth === 'uchar' || depth === 'char') return 8;
  if (depth === 'ushort' || depth === 'short') return 16;
  throw new Error(`it holds ${depth} samples; Heatlab reads 8- and 16-bit images`);
}

/** Size, channels and bit depth from the header only (EXIF orientation applied, as on decode). */
export async function readImageHeader(path: string): Promise<ImageHeader> {
  const kind = sniff(path);
  if (kind === 'png') return readPngHeader(path);
  if (kind === 'bmp') return readBmpHeader(path);
  const m = await sharp(sharpInput(path), sharpOptions).metadata();
  const bits = bitsOfDepth(m.depth);
  checkDecodedSize(m.width, m.height, m.channels, bits);
  return { width: m.autoOrient.width, height: m.autoOrient.height, channels: isGreySpace(m.space) ? 1 : 3, bits };
}

/**
 * The pixels. sharp's results are flattened on black already (its flatten() with a black
 * background, the same rule raster.ts applies to PNG and BMP alpha); EXIF orientation is applied.
 * Pass the header read before to spare sharp a second look at the file.
 */
export async function decodeImage(path: string, header?: ImageHeader): Promise<Raster> {
  const kind = sniff(path);
  if (kind === 'bmp') return decodeBmp(readRegularFile(path, fileKinds.image));
  let input: Buffer | string;
  if (kind === 'png') {
    const bytes = readRegularFile(path, fileKinds.image);
    const png = decodePng(bytes);
    if (png !== null) return png;
    input = bytes;
  } else {
    input = sharpInput(path);
  }
  // The header (given, or read now) has passed the decoded-bytes limit: sharp decodes nothing larger.
  const { bits, channels } = header ?? (await readImageHeader(path));
  // sharp converts to 8-bit sRGB unless told otherwise: name the colourspace that keeps the source's.
  const space = channels === 1 ? (bits === 16 ? 'grey16' : 'b-w') : bits === 16 ? 'rgb16' : 'srgb';
  let pipeline = sharp(input, sharpOptions);
  if (bits === 16) pipeline = pipeline.pipelineColourspace(space);
  const { data, info } = await pipeline
    .flatten({ background: '#000000' })
    .toColourspace(space)
    .raw({ depth: bits === 16 ? 'ushort' : 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const pixels =
    bits === 16 ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { width: info.width, height: info.height, channels: info.channels, data: pixels };
}

/** libvips's known complaints in words; it may repeat a line, so each is said once. */
const vipsReasons: [RegExp, string][] = [
  [/premature end of (JPEG|input) (image|file)|unexpected end of (file|data)|truncated/i, 'It is truncated; its data ends before the image does.'],
  // failOn 'warning' turns a damaged stretch (libvips: "error in tile 0 x 8") into this bare message.
  [/Warning treated as error/i, 'It is damaged or truncated; part of its image data cannot be decoded.'],
  [/Input image exceeds pixel limit/i, `It has more than the ${MAX_PIXELS} pixels Heatlab reads.`],
];

/** Why a file could not be read, as a sentence for the import report. */
export function unreadableReason(err: unknown): string {
  if (err instanceof FileRefused) return sentence(err.reason);
  const message = err instanceof Error ? err.message : String(err);
  for (const [pattern, reason] of vipsReasons) if (pattern.test(message) && !/^(it|its|the) /i.test(message)) return reason;
  if (/^Input file is missing/.test(message)) return 'The file disappeared during the import.';
  if (/unsupported image format/i.test(message)) return 'Its contents are not in an image format Heatlab reads.';
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'Heatlab is not allowed to read it.';
  if (code === 'ENOENT') return 'The file disappeared during the import.';
  // Heatlab's own decoders explain in words ("its IDAT chunk fails its checksum"); sharp's messages come from libvips.
  if (/^(it|its|the) /i.test(message)) return sentence(message);
  // libvips: "VipsJpeg: …" lines, sometimes the same one several times; keep each distinct line once, without the prefix.
  const lines = [...new Set(message.split('\n').map((l) => l.replace(/^\s*Vips\w*:\s*/, '').trim().replace(/\.$/, '')).filter((l) => l !== ''))];
  return `It could not be decoded (${lines.join('; ')}).`;
}
