import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { SecretsError, type SecretsErrorCode } from '../errors';

/** Why {@link readRegularFile} read nothing. */
export type ReadProblem =
  | { readonly problem: 'not-found' | 'directory' | 'not-regular' }
  | { readonly problem: 'too-large'; readonly size?: number }
  | { readonly problem: 'unreadable'; readonly code: string };

/**
 * Reads a whole regular file of at most `maxSize` bytes: the one way this
 * package reads secrets, identities and recipients. Opened non-blocking and
 * checked with fstat before any read, so a FIFO or a device never blocks the
 * process; read to the end, so a file that grows while read is never cut
 * short (it is too large or read whole).
 *
 * @returns the bytes, or why not (never throws for the file's sake).
 */
export async function readRegularFile(file: string, maxSize: number): Promise<Uint8Array | ReadProblem> {
  // Synchronous on purpose: a start-up read of a small file costs less than the
  // five thread-pool round trips of the asynchronous calls (see bench/).
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { problem: 'not-found' };
    if (code === 'EISDIR') return { problem: 'directory' };
    return { problem: 'unreadable', code: code ?? 'unknown error' };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { problem: 'directory' };
    if (!stat.isFile()) return { problem: 'not-regular' };
    if (stat.size > maxSize) return { problem: 'too-large', size: stat.size };
    let buffer = Buffer.alloc(Math.min(stat.size, maxSize) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxSize) return { problem: 'too-large' };
        const grown = Buffer.alloc(Math.min(buffer.length * 2, maxSize + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxSize) return { problem: 'too-large' };
    return buffer.subarray(0, length);
  } catch (error) {
    return { problem: 'unreadable', code: (error as NodeJS.ErrnoException).code ?? 'unknown error' };
  } finally {
    closeSync(fd);
  }
}

/**
 * {@link readRegularFile} for the CLI: the bytes, or a SecretsError
 * (`FILE_NOT_FOUND`, `FILE_UNREADABLE`, `FILE_TOO_LARGE`) whose message
 * starts with `what`, e.g. `secrets file`.
 */
export async function readFileOrThrow(file: string, maxSize: number, what: string): Promise<Uint8Array> {
  const result = await readRegularFile(file, maxSize);
  if (result instanceof Uint8Array) return result;
  const problem = (code: SecretsErrorCode, message: string) => new SecretsError([{ code, file, message }]);
  switch (result.problem) {
    case 'not-found':
      throw problem('FILE_NOT_FOUND', `${what} not found`);
    case 'directory':
      throw problem('FILE_UNREADABLE', `${what} is a directory`);
    case 'not-regular':
      throw problem('FILE_UNREADABLE', `${what} is not a regular file`);
    case 'too-large':
      throw problem('FILE_TOO_LARGE', `${what} is larger than ${maxSize} bytes`);
    case 'unreadable':
      throw problem('FILE_UNREADABLE', `${what} cannot be read (${result.code})`);
  }
}
