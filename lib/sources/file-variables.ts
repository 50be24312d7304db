/**
 * Docker's `_FILE` convention for interpolation: `$VAR` reads the file named
 * by `VAR_FILE` when `VAR` is not set. The files are read here, before
 * interpolation (which stays synchronous and pure); a problem is reported
 * only where a reference is actually evaluated, so a `VAR_FILE` behind an
 * unused fallback never fails a load.
 */
import * as path from 'node:path';
import { describeNamedPath, ownString, type Environment } from '../environment-variables';
import { SecretsError, type SecretsErrorCode } from '../errors';
import { readRegularFile } from '../files/read-file';
import type { ParsedFile, Template } from '../model';
import { decodeUtf8, startsWithByteOrderMark } from './read';
import { stripOneNewline } from './secrets-directory';
import { isConventionalVariableName } from './template';

/** The suffix of the variable naming a file: `API_KEY_FILE` for `$API_KEY`. */
export const FILE_VARIABLE_SUFFIX = '_FILE';

/** A variable's value read from its `_FILE`, or why it could not be (a problem without a location: the reference gives it). */
export type FileVariable =
  | { readonly value: string; readonly path: string }
  | { readonly problem: { readonly code: SecretsErrorCode; readonly message: string } };

/** Variable name → what its `_FILE` gave; only for variables whose `_FILE` is set. */
export type FileVariables = ReadonlyMap<string, FileVariable>;

/**
 * For every variable the file references (also inside fallbacks) whose name
 * is conventional (`API_KEY`, see `isConventionalVariableName`) and whose
 * `<NAME>_FILE` is set (non-empty): the file's text, UTF-8, with one trailing
 * `\n` or `\r\n` stripped. A relative path is relative to `process.cwd()`.
 *
 * Never throws for a file's sake: problems are returned, for `interpolate` to
 * report at the reference — `NAME_COLLISION` when `NAME` is set too (also
 * when empty), `FILE_NOT_FOUND`, `FILE_UNREADABLE` (a directory, not a
 * regular file, no permission), `FILE_TOO_LARGE` (over `maxFileSize`),
 * `ENCODING`; each message names both variables and the path — only when
 * written as one (`/…`, `./…`, `../…`), since a value pasted into `NAME_FILE`
 * by mistake would otherwise be shown — never the file's content.
 */
export async function readFileVariables(
  parsed: ParsedFile,
  env: Environment,
  maxFileSize: number,
): Promise<FileVariables> {
  const names = new Set<string>();
  const walk = (template: Template): void => {
    for (const part of template) {
      if (typeof part === 'string') continue;
      names.add(part.name);
      if (part.fallback) walk(part.fallback);
    }
  };
  for (const section of parsed.sections.values()) for (const entry of section.entries.values()) walk(entry.template);

  const result = new Map<string, FileVariable>();
  for (const name of names) {
    if (!isConventionalVariableName(name)) continue;
    const fileVariable = name + FILE_VARIABLE_SUFFIX;
    const given = ownString(env, fileVariable);
    if (given === undefined) continue;
    const file = path.resolve(given);
    const shown = describeNamedPath(given, file);
    const fail = (code: SecretsErrorCode, why: string): void =>
      void result.set(name, {
        problem: { code, message: `${name} is not set and ${fileVariable} names ${shown}, ${why}` },
      });
    if (Object.prototype.hasOwnProperty.call(env, name) && typeof env[name] === 'string') {
      result.set(name, {
        problem: { code: 'NAME_COLLISION', message: `both ${name} and ${fileVariable} are set: unset one of them` },
      });
      continue;
    }
    const read = await readRegularFile(file, maxFileSize);
    if (!(read instanceof Uint8Array)) {
      switch (read.problem) {
        case 'not-found':
          fail('FILE_NOT_FOUND', 'which was not found');
          break;
        case 'directory':
          fail('FILE_UNREADABLE', 'which is a directory');
          break;
        case 'not-regular':
          fail('FILE_UNREADABLE', 'which is not a regular file');
          break;
        case 'too-large':
          fail('FILE_TOO_LARGE', `which is larger than ${maxFileSize} bytes`);
          break;
        case 'unreadable':
          fail('FILE_UNREADABLE', `which cannot be read (${read.code})`);
          break;
      }
      continue;
    }
    if (startsWithByteOrderMark(read)) {
      fail('ENCODING', 'which starts with a byte order mark: save it as UTF-8 without one');
      continue;
    }
    try {
      result.set(name, { value: stripOneNewline(decodeUtf8(read, file)), path: file });
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      fail('ENCODING', 'which is not UTF-8 text');
    }
  }
  return result;
}
