import { readFileOrThrow } from '../files/read-file';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { cleanLeftovers, writeFileAtomic } from '../files/atomic-write';
import { SecretsError, type SecretsProblem } from '../errors';
import { parseIni } from '../sources/parse';
import { DEFAULT_MAX_FILE_SIZE } from '../sources/read';
import { plural, type CliContext } from './context';
import { isLocalEnvironment } from '../sources/locate';
import { parseEnvironmentList } from './environments';
import { exitDespiteModule } from './module-lifetime';
import {
  encryptedPath,
  GITIGNORE_BACKUPS,
  GITIGNORE_EDITOR_BACKUPS,
  GITIGNORE_PLAINTEXT,
  plaintextPath,
} from './file-names';
import { pathExists } from './files';
import { ensureLine, git, gitTopLevel } from './git';
import { OPTIONS, resolveDir, type ListCommandOptions } from './options';
import { loadInitTemplate, type InitTemplate } from './init-template';
import { writeBackup } from './secrets-backup';

/** Environments `init` writes when `--environment` is not given. */
export const DEFAULT_INIT_ENVIRONMENTS = ['development', 'test', 'production'] as const;

/** Mode of every file `init` writes, backups included. */
const SECRET_FILE_MODE = 0o600;

type InitOptions = Partial<Pick<ListCommandOptions, 'environment'>> &
  Pick<ListCommandOptions, 'dir' | 'template' | 'force' | 'sections'>;

/** `nest-secrets init [-e <names>] [--dir <d>] [--template <file> | --sections <module>] [--force]` */
export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command('init')
    .summary('write <env>-secrets.ini files with fresh random tokens')
    .description(
      'write <env>-secrets.ini for each environment (mode 0600, atomically) from the built-in Nest example, from ' +
        '--template, where each {{random}} becomes 40 fresh hex digits (20 random bytes) and {{random:N}} N bytes, ' +
        "or from the app's DTOs (--sections): every section and key, a token for each secret string key whose " +
        'rules allow one, "# fill in" above the others. Every token is different in every file.\n\n' +
        'Existing files are kept unless --force, which saves each as <file>.bak-<timestamp>. ' +
        `Inside a git work tree, .gitignore gets "${GITIGNORE_PLAINTEXT}" and the names of editor copies ` +
        `(${GITIGNORE_EDITOR_BACKUPS.join(' ')}) and backups (${GITIGNORE_BACKUPS}), each unless git ignores ` +
        'such a file already.',
    )
    .option(
      '-e, --environment <names>',
      `environments, separated by commas (default: ${DEFAULT_INIT_ENVIRONMENTS.join(',')})`,
      parseEnvironmentList,
    )
    .addOption(OPTIONS.dir())
    .addOption(new Option('--template <file>', 'template to use instead of the built-in one').conflicts('sections'))
    .option('--sections <module>', 'built JS module exporting the @SecretsSection classes, e.g. dist/secrets.js')
    .option('--force', 'replace existing files, keeping each as <file>.bak-<timestamp> (mode 0600)')
    .action(async (options: InitOptions) => init(ctx, options));
}

/** One file `init` writes. */
interface InitTarget {
  environment: string;
  /** `<dir>/<environment>-secrets.ini` */
  file: string;
  /** The rendered template, with its own random tokens. */
  text: string;
  /** Whether a file is there already (with `--force`), to back up first. */
  replaces: boolean;
}

async function init(ctx: CliContext, options: InitOptions): Promise<void> {
  try {
    const dir = resolveDir(ctx, options.dir);
    const template = await loadInitTemplate(ctx, options);
    const environments = options.environment ?? [...DEFAULT_INIT_ENVIRONMENTS];
    const targets = await planInit(dir, environments, template, options.force === true);
    await applyInit(ctx, dir, targets, template);
    nextSteps(ctx, template, environments);
  } finally {
    if (options.sections !== undefined) exitDespiteModule(ctx);
  }
}

/**
 * Everything is checked before anything is written: no encrypted file in the
 * way, no plaintext one unless `force` (and then one that can be backed up),
 * and every rendered file loadable.
 *
 * @throws SecretsError naming every file in the way, or the first rendered text that would not load
 */
async function planInit(
  dir: string,
  environments: readonly string[],
  template: InitTemplate,
  force: boolean,
): Promise<InitTarget[]> {
  const problems: SecretsProblem[] = [];
  const replaced = new Set<string>();
  for (const environment of environments) {
    const problem = await obstacle(dir, environment, force);
    if (problem === 'replace') replaced.add(environment);
    else if (problem) problems.push(...problem);
  }
  if (problems.length) throw new SecretsError(problems);
  return environments.map((environment) => {
    const file = plaintextPath(dir, environment);
    return { environment, file, text: renderLoadable(template, file), replaces: replaced.has(environment) };
  });
}

/**
 * What stands where `init` would write `environment`'s file: nothing, a file
 * to replace (`force`), or the problems that stop the command.
 */
async function obstacle(
  dir: string,
  environment: string,
  force: boolean,
): Promise<readonly SecretsProblem[] | 'replace' | undefined> {
  const age = encryptedPath(dir, environment);
  const file = plaintextPath(dir, environment);
  if (await pathExists(age)) {
    return [
      {
        code: 'FILE_EXISTS',
        file: age,
        message: `${environment} already has an encrypted secrets file; change it with \`nest-secrets edit --environment ${environment}\` (a plaintext file next to it would stop the app from loading)`,
      },
    ];
  }
  if (!(await pathExists(file))) return undefined;
  if (!force) {
    return [
      {
        code: 'FILE_EXISTS',
        file,
        message: 'already exists; refusing to overwrite secrets (use --force to replace it and keep a backup)',
      },
    ];
  }
  // It is backed up before it is replaced: a directory, a device or a file
  // too large to back up must stop the command before the first write.
  try {
    await readFileOrThrow(file, DEFAULT_MAX_FILE_SIZE, 'secrets file');
    return 'replace';
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    return error.problems;
  }
}

/**
 * The template rendered for `file`, with fresh tokens.
 *
 * @throws SecretsError `FILE_TOO_LARGE` or a syntax problem: the loader would refuse it
 */
function renderLoadable(template: InitTemplate, file: string): string {
  const text = template.render();
  const size = Buffer.byteLength(text, 'utf8');
  if (size > DEFAULT_MAX_FILE_SIZE) {
    throw new SecretsError([
      {
        code: 'FILE_TOO_LARGE',
        file: template.file ?? file,
        message: `renders to ${size} bytes, larger than the loader's default maxFileSize (${DEFAULT_MAX_FILE_SIZE} bytes), which would refuse the file`,
      },
    ]);
  }
  parseIni(text, template.file ?? file);
  return text;
}

/** Writes the planned files, each atomically, backing up those it replaces. */
async function applyInit(
  ctx: CliContext,
  dir: string,
  targets: readonly InitTarget[],
  template: InitTemplate,
): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  // Before any write, so that the backups are ignored even if a write fails.
  await protectWithGitignore(ctx, dir, targets);
  await cleanLeftovers(dir);
  // One time for every backup of this run: they share their stamp.
  const now = new Date();
  for (const { file, text, replaces } of targets) {
    if (replaces) {
      const content = await readFileOrThrow(file, DEFAULT_MAX_FILE_SIZE, 'secrets file');
      const backup = await writeBackup(ctx, file, content, now);
      ctx.stdout(`Kept the old ${path.basename(file)} as ${backup} (mode 0600).\n`);
    }
    await writeFileAtomic(file, text, { mode: SECRET_FILE_MODE, beforeRename: ctx.beforeRename });
    ctx.stdout(`Wrote ${file} (mode 0600, ${plural(template.tokens, 'random token')}).\n`);
  }
}

/**
 * Makes `.gitignore` at the top of the work tree ignore the written files
 * (`*-secrets.ini`), the copies editors leave next to them
 * ({@link GITIGNORE_EDITOR_BACKUPS}) and the backups `init --force` and
 * `rotate` keep ({@link GITIGNORE_BACKUPS}), each line unless git already
 * ignores such a file. Warns when git would
 * ignore the encrypted files too: those are the ones to commit.
 */
async function protectWithGitignore(
  ctx: CliContext,
  dir: string,
  targets: readonly { environment: string; file: string }[],
): Promise<void> {
  const top = gitTopLevel(dir, ctx.env);
  if (!top) return;
  const real = await fs.realpath(dir);
  const relative = (name: string) => path.relative(top, path.join(real, name)).split(path.sep).join('/');
  const ignored = (name: string) =>
    git(['check-ignore', '-q', '--no-index', '--', relative(name)], top, ctx.env) !== undefined;
  const gitignore = path.join(top, '.gitignore');
  const { environment } = targets[0]!;
  const lines = [GITIGNORE_PLAINTEXT, ...GITIGNORE_EDITOR_BACKUPS, GITIGNORE_BACKUPS];
  const added: string[] = [];
  for (const line of lines) {
    if (ignored(sampleName(line, environment))) continue;
    if (await ensureLine(gitignore, line)) added.push(line);
  }
  if (added.length) ctx.stdout(`Added ${added.join(', ')} to ${gitignore}.\n`);
  const age = path.basename(encryptedPath(dir, environment));
  if (ignored(age)) {
    ctx.stderr(
      `warning: git ignores ${relative(age)} too; encrypted secrets files are meant to be committed: ` +
        `make sure no .gitignore rule matches *-secrets.ini.age (\`git check-ignore -v ${relative(age)}\` shows which does).\n`,
    );
  }
}

/**
 * A file name that the `.gitignore` line `pattern` matches, for `git
 * check-ignore`: the first `*` becomes `environment`, any other `x`, a
 * bracket class its first character, and `\#` a plain `#`.
 *
 * @example sampleName('.*-secrets.ini.sw[a-p]', 'production') === '.production-secrets.ini.swa'
 */
function sampleName(pattern: string, environment: string): string {
  let stars = 0;
  return pattern.replace(/\\(.)|\*|\[(.)[^\]]*\]/g, (_match, escaped?: string, first?: string) => {
    if (escaped !== undefined) return escaped;
    if (first !== undefined) return first;
    return stars++ === 0 ? environment : 'x';
  });
}

function nextSteps(ctx: CliContext, template: InitTemplate, environments: readonly string[]): void {
  const deployed = environments.filter((environment) => !isLocalEnvironment(environment));
  const steps: string[] = template.fillIn ? [template.fillIn] : [];
  for (const environment of deployed) {
    steps.push(
      `Encrypt ${environment} before it goes anywhere: nest-secrets encrypt --environment ${environment}, commit ${environment}-secrets.ini.age, delete ${environment}-secrets.ini.`,
    );
  }
  steps.push(
    `Before deploying, validate with your DTOs: nest-secrets check --environment ${environments.join(',')} --sections ${template.sections ?? '<module>'}.`,
  );
  ctx.stdout(`Next steps:\n${steps.map((step, index) => `  ${index + 1}. ${step}\n`).join('')}`);
}
