/**
 * `hook install` in a lefthook repository: the command goes into lefthook's
 * configuration (`pre-commit` → `commands` → `nest-secrets` → `run`), edited
 * through the `yaml` package's Document API, which keeps comments and layout.
 * The file is changed only when that is sure to leave the rest of it byte for
 * byte: it must parse without error and print back exactly as it was read;
 * otherwise it is left alone and the snippet to add is printed (exit 1, as
 * for a git hook that `hook install` did not write).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Document } from 'yaml';
import { CliError, type CliContext } from './context';
import { installedTail } from './hook-husky';
import { PORTABLE_HOOK_COMMAND } from './hook-run';

/** The YAML to add to lefthook's configuration, as `hook install` prints it when it cannot add it itself. */
export const LEFTHOOK_SNIPPET = `pre-commit:
  commands:
    nest-secrets:
      run: ${PORTABLE_HOOK_COMMAND}
`;

/**
 * Adds the command to lefthook's `config` file (an absolute path).
 *
 * @throws CliError (exit 1) with {@link LEFTHOOK_SNIPPET} when the file cannot be edited safely, or is a symbolic link
 */
export async function installLefthook(ctx: CliContext, config: string, top: string): Promise<void> {
  const relative = path.relative(top, config).split(path.sep).join('/');
  // A link could make us edit whatever it leads to, out of the work tree.
  if ((await fs.lstat(config)).isSymbolicLink()) {
    throw new CliError(
      `${relative} (lefthook) is a symbolic link; it is left as it is. Add this to the file it leads to:\n${LEFTHOOK_SNIPPET.trimEnd()}`,
    );
  }
  const text = await fs.readFile(config, 'utf8');
  if (runsCommand(text)) {
    ctx.stdout(`Already installed: ${relative} (lefthook) runs \`nest-secrets hook run\`.\n`);
    return;
  }
  const edited = withCommand(text);
  if (edited === undefined) {
    throw new CliError(
      `${relative} (lefthook) is left as it is: it cannot be edited without changing its other lines ` +
        '(YAML that the printer does not reproduce byte for byte, aliases or merge keys (lefthook resolves them, ' +
        'so an added entry could hide or duplicate commands), a pre-commit entry of another shape, ' +
        `or a nest-secrets entry that runs something else). ${howToAdd(text)}`,
    );
  }
  await fs.writeFile(config, edited);
  ctx.stdout(
    `Added \`${PORTABLE_HOOK_COMMAND}\` to pre-commit in ${relative} (lefthook): ${installedTail(relative)} ` +
      '(Each clone runs `npx lefthook install` once, as for every lefthook command.)\n',
  );
}

/** What `hook install` prints when it cannot edit `text`: the snippet, or the entry to add under its `pre-commit`. */
export function howToAdd(text: string): string {
  const confirm = 'then run `nest-secrets hook install` again to confirm';
  if (!/^["']?pre-commit["']?[ \t]*:/m.test(text)) {
    return `Add this to it, ${confirm}:\n${LEFTHOOK_SNIPPET.trimEnd()}`;
  }
  if (usesJobs(text)) {
    return (
      `Under its existing \`pre-commit:\` → \`jobs:\`, add this job (first: it is the fastest), ${confirm}:\n` +
      `- name: nest-secrets\n  run: ${PORTABLE_HOOK_COMMAND}`
    );
  }
  return (
    `Under its existing \`pre-commit:\` → \`commands:\` (add \`commands:\` if it has none), add this, ${confirm}:\n` +
    `nest-secrets:\n  run: ${PORTABLE_HOOK_COMMAND}`
  );
}

/** Whether `text`'s `pre-commit` has `jobs` and no `commands` (by its YAML when it parses, else by its lines). */
function usesJobs(text: string): boolean {
  const { isMap, parseDocument } = yaml();
  const doc = parseDocument(text);
  const preCommit = doc.errors.length === 0 ? doc.get('pre-commit', true) : undefined;
  if (isMap(preCommit)) return preCommit.has('jobs') && !preCommit.has('commands');
  return /^[ \t]+jobs[ \t]*:/m.test(text) && !/^[ \t]+commands[ \t]*:/m.test(text);
}

/**
 * Whether the lefthook configuration `text` runs `nest-secrets … hook run`
 * on pre-commit: valid YAML whose `pre-commit` → `commands` → <any> → `run`,
 * or `pre-commit` → `jobs` → [any] → `run`, holds it. Another hook
 * (`pre-push`), a comment or a file lefthook cannot read does not count.
 */
export function runsCommand(text: string): boolean {
  const { isMap, isSeq, parseDocument } = yaml();
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return false;
  const preCommit = doc.get('pre-commit', true);
  if (!isMap(preCommit)) return false;
  const commands = preCommit.get('commands', true);
  const jobs = preCommit.get('jobs', true);
  const entries = [
    ...(isMap(commands) ? commands.items.map((pair) => pair.value) : []),
    ...(isSeq(jobs) ? jobs.items : []),
  ];
  return entries.some((entry) => {
    const run = isMap(entry) ? entry.get('run') : undefined;
    return typeof run === 'string' && /nest-secrets\b.*\bhook run\b/.test(run);
  });
}

/** The `yaml` package, loaded on first use: `hook run`, which runs on every commit, never needs it. */
function yaml(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml') as typeof import('yaml');
}

/**
 * `text` (a lefthook configuration) with the command added, in the file's
 * line endings (CRLF when every line ends so).
 *
 * @returns the new text; `undefined` when that cannot be done leaving the rest
 *   byte for byte (not YAML, not printed back as read, `pre-commit` /
 *   `commands` / `jobs` of another shape, or a `nest-secrets` entry already there)
 */
export function withCommand(text: string): string | undefined {
  // A file with CRLF lines only (Windows, core.autocrlf): edited as LF, written back with CRLF.
  if (text.includes('\r\n') && !/(?<!\r)\n/.test(text)) {
    return withCommand(text.replace(/\r\n/g, '\n'))?.replace(/\n/g, '\r\n');
  }
  if (text.trim() === '') return LEFTHOOK_SNIPPET;
  const { isMap, isSeq, parseDocument } = yaml();
  const doc = parseDocument(text);
  if (doc.errors.length > 0 || doc.warnings.length > 0 || !isMap(doc.contents) || doc.toString() !== text) {
    return undefined;
  }
  if (sharesNodes(doc)) return undefined;
  const preCommit = doc.get('pre-commit', true);
  if (preCommit !== undefined && !isMap(preCommit)) return undefined;
  const jobs = isMap(preCommit) ? preCommit.get('jobs', true) : undefined;
  if (jobs !== undefined) {
    const named = isSeq(jobs) && jobs.items.some((job) => isMap(job) && job.get('name') === 'nest-secrets');
    return isSeq(jobs) && !named ? addJob(doc, jobs) : undefined;
  }
  const commands = isMap(preCommit) ? preCommit.get('commands', true) : undefined;
  // An entry of that name that does not run the check is the user's: never replaced.
  if (commands !== undefined && (!isMap(commands) || commands.has('nest-secrets'))) return undefined;
  doc.setIn(['pre-commit', 'commands', 'nest-secrets'], doc.createNode({ run: PORTABLE_HOOK_COMMAND }));
  return doc.toString();
}

/**
 * Whether `doc` has an alias (`*name`) or a merge key (`<<`): lefthook
 * merges them, the `yaml` Document does not, so an added `commands` could
 * hide commands merged in from an anchor, or land in another hook that
 * aliases `pre-commit`'s.
 */
function sharesNodes(doc: Document): boolean {
  const { isScalar, visit } = yaml();
  let shared = false;
  visit(doc, {
    Alias: () => {
      shared = true;
      return visit.BREAK;
    },
    Pair: (_, pair) => {
      if (!(isScalar(pair.key) && pair.key.value === '<<')) return undefined;
      shared = true;
      return visit.BREAK;
    },
  });
  return shared;
}

/** lefthook 1.10+'s `jobs` list: the command as a named job, first (it is the fastest check). */
function addJob(doc: Document, jobs: { items: unknown[] }): string {
  jobs.items.unshift(doc.createNode({ name: 'nest-secrets', run: PORTABLE_HOOK_COMMAND }));
  return doc.toString();
}
