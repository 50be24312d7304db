/** File-system questions the commands ask before they act. */
import { promises as fs } from 'node:fs';
import type { ReadProblem } from '../files/read-file';

/** Whether anything (a file, a directory, a dangling link…) is at `file`. */
export async function pathExists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Why a file could not be read, as the end of a sentence starting with its
 * name or role: `is gone`, `is larger than 1048576 bytes`…
 */
export function describeReadProblem(result: ReadProblem, maxSize: number): string {
  switch (result.problem) {
    case 'not-found':
      return 'is gone';
    case 'directory':
    case 'not-regular':
      return 'is no longer a regular file';
    case 'too-large':
      return `is larger than ${maxSize} bytes`;
    case 'unreadable':
      return `cannot be read (${result.code})`;
  }
}
