import { isUtf8 } from 'buffer';
import * as fs from 'fs';

/**
 * Why a file or folder cannot be read as manifests: it does not exist, is not a regular file, or is not UTF-8 text.
 * The message is one line, without the file name.
 */
export class UnreadableFileError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

/**
 * The text of a regular file (or of the standard input, `fd` 0), checked to be UTF-8 without NUL bytes; a UTF-8 byte
 * order mark is dropped. FIFOs, sockets and devices are refused without being opened, as opening them may block or
 * have effects, and a file replaced by one after the check is refused too, as it is opened without blocking.
 * Throws UnreadableFileError.
 */
export function readTextFile(file: string | 0): string {
  return decodeText(file === 0 ? readOrExplain(() => fs.readFileSync(0)) : readRegularFile(file));
}

function readRegularFile(file: string): Buffer {
  requireRegularFile(readOrExplain(() => fs.statSync(file)));
  // O_NONBLOCK: a FIFO swapped in after the stat must not block the open (Windows has no FIFOs, and no such flag).
  const fd = readOrExplain(() => fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0)));
  try {
    requireRegularFile(readOrExplain(() => fs.fstatSync(fd)));
    return readOrExplain(() => fs.readFileSync(fd));
  } finally {
    fs.closeSync(fd);
  }
}

function requireRegularFile(stat: fs.Stats): void {
  if (!stat.isFile()) {
    // Process substitution, <(helm template ...), gives a pipe: the standard input reads one.
    const hint = stat.isFIFO() ? ' (pipe it into `check -` instead)' : '';
    throw new UnreadableFileError(`${fileType(stat)}, not a regular file; only regular files are read${hint}`);
  }
}

/** What kind of file system entry a non-regular file is, for messages. */
export function fileType(stat: fs.Stats): string {
  if (stat.isDirectory()) {
    return 'is a folder';
  }
  if (stat.isFIFO()) {
    return 'is a FIFO (named pipe)';
  }
  if (stat.isSocket()) {
    return 'is a socket';
  }
  if (stat.isCharacterDevice() || stat.isBlockDevice()) {
    return 'is a device';
  }
  return 'is a special file';
}

/** Runs a file system call, turning its error into a one-line UnreadableFileError. */
export function readOrExplain<T>(call: () => T): T {
  try {
    return call();
  } catch (e) {
    throw e instanceof UnreadableFileError ? e : new UnreadableFileError(describeFsError(e));
  }
}

const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
};

function describeFsError(e: unknown): string {
  const error = e as NodeJS.ErrnoException;
  const known = error.code !== undefined ? FS_ERRORS[error.code] : undefined;
  if (known) {
    return `${known} (${error.code})`;
  }
  return String(error?.message ?? e).split('\n')[0];
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const BYTE_ORDER_MARKS: readonly { readonly bytes: readonly number[]; readonly encoding: string }[] = [
  // UTF-32 LE starts like UTF-16 LE: look for it first.
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: 'UTF-32' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: 'UTF-32' },
  { bytes: [0xff, 0xfe], encoding: 'UTF-16' },
  { bytes: [0xfe, 0xff], encoding: 'UTF-16' },
];

/**
 * The text of manifest bytes, which must be UTF-8 (as kubectl reads them) without NUL bytes. Throws
 * UnreadableFileError saying what the bytes are instead: UTF-16 or UTF-32 (by their byte order mark, or by the
 * NUL bytes of ASCII text in UTF-16), invalid UTF-8, or binary.
 */
export function decodeText(bytes: Buffer): string {
  const startsWith = (prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);
  const marked = BYTE_ORDER_MARKS.find(m => startsWith(m.bytes));
  if (marked) {
    throw new UnreadableFileError(`is ${marked.encoding} text (it starts with a ${marked.encoding} byte order mark); manifests must be UTF-8: ` +
      `convert it, for example with iconv -f ${marked.encoding} -t UTF-8`);
  }
  const body = startsWith(UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes;
  const nul = body.indexOf(0);
  if (nul >= 0) {
    if (looksLikeUtf16(body)) {
      throw new UnreadableFileError('looks like UTF-16 text without a byte order mark (every other byte is NUL); manifests must be UTF-8: ' +
        'convert it, for example with iconv -f UTF-16LE -t UTF-8');
    }
    throw new UnreadableFileError(`holds a NUL byte on line ${lineAt(body, nul)}; manifests must be UTF-8 text, and this looks like a binary file`);
  }
  if (!isUtf8(body)) {
    throw new UnreadableFileError(`is not valid UTF-8 (line ${lineAt(body, firstInvalidUtf8(body))}); manifests must be UTF-8 text`);
  }
  return body.toString('utf-8');
}

/** ASCII text in UTF-16: the first bytes alternate between a printable byte and NUL. */
function looksLikeUtf16(bytes: Buffer): boolean {
  const sample = bytes.subarray(0, Math.min(bytes.length, 64) & ~1);
  if (sample.length < 2) {
    return false;
  }
  const zerosAt = (parity: number) => sample.every((b, i) => (i % 2 === parity) === (b === 0));
  return zerosAt(0) || zerosAt(1);
}

/**
 * About where the first invalid UTF-8 sequence is: decoding replaces it with U+FFFD, so re-encoding keeps every byte
 * before it and differs at it, or (when the broken sequence starts like U+FFFD's own encoding) a byte or two later,
 * still on its line.
 */
function firstInvalidUtf8(bytes: Buffer): number {
  const roundTrip = Buffer.from(bytes.toString('utf-8'), 'utf-8');
  let i = 0;
  while (i < bytes.length && bytes[i] === roundTrip[i]) {
    i++;
  }
  return Math.min(i, bytes.length - 1);
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) {
    line++;
  }
  return line;
}
