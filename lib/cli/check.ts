import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { getSectionOptions } from '../dto/decorators';
import { describeDto } from '../dto/keys';
import { SecretsError, formatProblem, isPresentableName, type SecretsProblem } from '../errors';
import { buildSecrets, type Secrets, type SecretsClass } from '../load-secrets';
import type { Environment } from '../environment-variables';
import type { RawSections } from '../model';
import { isLocalEnvironment } from '../sources/locate';
import { describeOrigin, valueProblemAt, type Origin } from '../sources/origin';
import { loadRawSecrets, type RawSecrets } from '../sources/raw-secrets';
import type { SecretsSourceDefinition } from '../sources/sources';
import { ALLOW_FILE, readAllowList, type AllowList } from './allow-list';
import { EXIT_PROBLEM, plural, type CliContext, ReportedExit } from './context';
import { plaintextPath } from './file-names';
import { OPTIONS, resolveDir, type ListCommandOptions } from './options';
import { git, gitTopLevel } from './git';
import { foundSecretsFile } from './json-file';
import { printReport, reserveStdout } from './json-output';
import {
  CHECK_REPORT_SCHEMA,
  reportedProblem,
  type CheckedEnvironment,
  type CheckReport,
  type ReportedProblem,
} from './json-report';
import { placeholderRule } from './placeholders';
import { commandEnv, commandSources } from './raw-secrets';
import { exitDespiteModule, settledBeforeExit } from './module-lifetime';
import { loadSectionClasses } from './sections-module';

/**
 * Values shorter than this are not compared for reuse: `on`, `443` or `v2`
 * in two sections are settings, not a shared secret.
 */
const MIN_COMPARED_LENGTH = 4;

/** Per run, so that the hashes compared below mean nothing outside this process. */
const fingerprintSalt = randomBytes(32);

// `--sections` is a required option: commander never calls the action without it.
type CheckOptions = Pick<ListCommandOptions, 'environment' | 'dir' | 'strict' | 'secretsDir' | 'envPrefix' | 'json'> & {
  sections: string;
};

/** `nest-secrets check -e <names> [--dir <d>] --sections <module> [--strict] [--secrets-dir <d>]… [--env-prefix <p>] [--json]` */
export function registerCheck(program: Command, ctx: CliContext): void {
  program
    .command('check')
    .summary("validate secrets files with the app's DTOs before deploying")
    .description(
      "load each environment's secrets file as the app does and validate it with every @SecretsSection class the " +
        '--sections module exports.\n\n' +
        'Also reported: a plaintext file tracked by git (unless listed in .nest-secrets-allow), placeholder values ' +
        'outside development and test (errors); a file readable by group or others, one value used for several keys ' +
        '(warnings, errors with --strict). No value is ever printed. Exit 0 clean, 1 problems, 2 usage.',
    )
    .addOption(OPTIONS.environments())
    .addOption(OPTIONS.dir())
    .requiredOption(
      '--sections <module>',
      'built JS module exporting the @SecretsSection classes, e.g. dist/secrets.js',
    )
    .option('--strict', 'treat warnings (file mode, reused values) as errors')
    .addOption(OPTIONS.secretsDir())
    .addOption(OPTIONS.envPrefix())
    .addOption(OPTIONS.json(CHECK_REPORT_SCHEMA))
    .action(async (options: CheckOptions) => check(ctx, options));
}

/** Where a value was found, for duplicate reports. */
interface Occurrence {
  readonly environment: string;
  readonly file: string;
  readonly line: number | undefined;
  readonly section: string;
  readonly key: string;
}

/** What every environment's check shares: the command's inputs, resolved once. */
interface CheckRun {
  readonly ctx: CliContext;
  readonly dir: string;
  /** `dir` with symbolic links resolved, as git reports paths. */
  readonly realDir: string;
  readonly env: Environment;
  readonly classes: readonly SecretsClass[];
  /** The INI file, then `--secrets-dir`s, then `--env-prefix`: merged as the app merges them. */
  readonly sources: readonly SecretsSourceDefinition[];
  readonly notSecret: (section: string, key: string) => boolean;
  /** The git work tree's top and its allow list, when `dir` is in one. */
  readonly git: { readonly top: string; readonly allowList: AllowList } | undefined;
  /** Salted hashes of earlier environments' values: no value outlives its file's check. */
  readonly seenAcross: Map<string, Occurrence>;
  /** `--json`: one document at the end instead of summary lines and warnings as found. */
  readonly json: boolean;
}

/**
 * Errors and warnings of the whole run; with `--strict` a warning is an
 * error. Warnings are printed as found, unless the run reports in JSON.
 */
class Findings {
  readonly errors: SecretsProblem[] = [];
  warnings = 0;
  /** The current environment's errors and warnings in the order found (errors in the order printed). */
  reported: ReportedProblem[] = [];
  constructor(
    private readonly ctx: CliContext,
    private readonly strict: boolean,
    private readonly json: boolean,
  ) {}

  readonly warn = (problem: SecretsProblem): void => {
    if (this.strict) this.error(problem);
    else {
      this.warnings++;
      this.reported.push(reportedProblem(problem, 'warning'));
      if (!this.json) this.ctx.stderr(`warning: ${formatProblem(problem)}\n`);
    }
  };

  readonly error = (problem: SecretsProblem): void => {
    this.errors.push(problem);
    this.reported.push(reportedProblem(problem, 'error'));
  };
}

async function check(context: CliContext, options: CheckOptions): Promise<void> {
  // The module's own output (a `console.log` on import) must not break the one JSON document.
  const ctx = options.json ? reserveStdout(context) : context;
  try {
    const checked = await settledBeforeExit(
      checkAll(ctx, options),
      'check: a rule of the --sections module never settles (an async validator whose promise never resolves)',
    );
    if (options.json) {
      const report: CheckReport = {
        schema: CHECK_REPORT_SCHEMA,
        ok: checked.errors.length === 0,
        strict: options.strict ?? false,
        environments: checked.environments,
      };
      printReport(ctx, report);
      if (checked.errors.length) throw new ReportedExit(EXIT_PROBLEM);
    } else if (checked.errors.length) throw new SecretsError(checked.errors);
  } finally {
    exitDespiteModule(ctx);
  }
}

/** Loads the `--sections` module and checks each environment: the errors found and each environment's report. */
async function checkAll(
  ctx: CliContext,
  options: CheckOptions,
): Promise<{ errors: SecretsProblem[]; environments: CheckedEnvironment[] }> {
  const dir = resolveDir(ctx, options.dir);
  const classes = await loadSectionClasses(ctx.cwd, options.sections);
  const top = gitTopLevel(dir, ctx.env);
  const allowList = top ? await readAllowList(top) : undefined;
  const run: CheckRun = {
    ctx,
    dir,
    // git reports the top with symlinks resolved; paths relative to it must be too.
    realDir: await fs.realpath(dir).catch(() => dir),
    env: commandEnv(ctx.env),
    classes,
    sources: commandSources(ctx, options),
    notSecret: notSecretKeys(classes),
    git: top && allowList ? { top, allowList } : undefined,
    seenAcross: new Map(),
    json: options.json ?? false,
  };
  const findings = new Findings(ctx, options.strict ?? false, run.json);
  const environments: CheckedEnvironment[] = [];
  for (const environment of options.environment) environments.push(await checkEnvironment(run, findings, environment));
  return { errors: findings.errors, environments };
}

/**
 * Checks one environment's file: read once through the loader's front half,
 * then validated with the DTOs from those raw sections; then the plaintext
 * file's tracking and mode, placeholders and reused values. Prints a summary
 * line when it is clean (not with `--json`).
 *
 * @returns the environment's part of the JSON report
 */
async function checkEnvironment(run: CheckRun, findings: Findings, environment: string): Promise<CheckedEnvironment> {
  const found: SecretsProblem[] = [];
  const warningsBefore = findings.warnings;
  const strictBefore = findings.errors.length;
  findings.reported = [];

  let raw: RawSecrets | undefined;
  let secrets: Secrets | undefined;
  try {
    raw = await loadRawSecrets({
      environment,
      directory: run.dir,
      env: run.env,
      sources: run.sources,
      sections: run.classes,
    });
    raw.warnings.forEach(findings.warn);
    secrets = await buildSecrets(raw, run.classes);
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    found.push(...error.problems);
  }

  found.push(...(await plaintextFileProblems(run, findings, environment)));
  if (raw) {
    // A file was read (no `values` option): it has a path.
    const file = raw.file!;
    if (!isLocalEnvironment(environment)) found.push(...placeholders(raw.raw, file));
    reusedValues(raw.raw, { environment, file }, run.notSecret, run.seenAcross).forEach(findings.warn);
  }

  found.forEach(findings.error);
  const sections = raw ? [...raw.raw.keys()] : [];
  const keys = raw ? [...raw.raw.values()].reduce((count, section) => count + section.values.size, 0) : 0;
  const ok = findings.errors.length === strictBefore;
  if (secrets && ok && !run.json) {
    const warnings = findings.warnings - warningsBefore;
    run.ctx.stdout(
      `${secrets.file}: ${warnings ? `ok with ${plural(warnings, 'warning')}` : 'ok'} ` +
        `(environment ${environment}; ${plural(sections.length, 'section')}: ${sections.join(', ')}; ${plural(keys, 'key')})\n`,
    );
  }
  // Not read: the file found all the same (it failed to be read, decrypted or parsed), if any.
  const file = raw ? { path: raw.file!, encrypted: raw.encrypted } : foundSecretsFile(run.dir, environment);
  return {
    environment,
    file: file?.path ?? null,
    encrypted: file?.encrypted ?? false,
    ok,
    sections,
    keys,
    problems: findings.reported,
  };
}

/**
 * Problems of the environment's plaintext file, when there is one:
 * `PLAINTEXT_TRACKED` (returned) and `INSECURE_MODE` (a warning).
 */
async function plaintextFileProblems(
  run: CheckRun,
  findings: Findings,
  environment: string,
): Promise<SecretsProblem[]> {
  const plaintext = plaintextPath(run.dir, environment);
  // stat, not lstat: a symbolic link to a plaintext file is checked as that file.
  const stat = await fs.stat(plaintext).catch(() => undefined);
  if (!stat?.isFile()) return [];
  const problems: SecretsProblem[] = [];
  // Both the link (if it is one) and the file it leads to may be tracked.
  const candidates = [
    await fs.realpath(plaintext).catch(() => undefined),
    path.join(run.realDir, path.basename(plaintext)),
  ].filter((candidate, index, all): candidate is string => candidate !== undefined && all.indexOf(candidate) === index);
  const tracked = run.git
    ? trackedProblem(run.ctx, plaintext, candidates, environment, run.git.top, run.git.allowList)
    : undefined;
  if (tracked) problems.push(tracked);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    findings.warn({
      code: 'INSECURE_MODE',
      file: plaintext,
      message: `is accessible by group or others (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}); restrict it with \`chmod 600 ${plaintext}\``,
    });
  }
  return problems;
}

// A key that may be a value (a line without `=` under a section, a pasted
// token) is named by its line only, in the problem and in any message.
function at(occurrence: Occurrence): Pick<SecretsProblem, 'file' | 'line' | 'section' | 'key'> {
  return {
    file: occurrence.file,
    line: occurrence.line,
    section: occurrence.section,
    ...(isPresentableName(occurrence.key) ? { key: occurrence.key } : {}),
  };
}

/** How a message names an earlier occurrence: `[section] key (line N)`, or by line only. */
function nameOf(occurrence: Occurrence, withFile: boolean): string {
  if (isPresentableName(occurrence.key)) {
    const line = occurrence.line;
    if (withFile) return `[${occurrence.section}] ${occurrence.key} in ${occurrence.file}${line ? `:${line}` : ''}`;
    return `[${occurrence.section}] ${occurrence.key}${line ? ` (line ${line})` : ''}`;
  }
  const key = occurrence.line ? `the key on line ${occurrence.line}` : 'a key';
  return `${key} in [${occurrence.section}]${withFile ? ` of ${occurrence.file}` : ''}`;
}

/**
 * `PLAINTEXT_TRACKED` when git tracks one of `candidates` (the file's paths:
 * the file a link leads to, the link itself) and `.nest-secrets-allow` does
 * not list it.
 */
function trackedProblem(
  ctx: CliContext,
  file: string,
  candidates: readonly string[],
  environment: string,
  top: string,
  allowList: AllowList,
): SecretsProblem | undefined {
  const relative = candidates
    .map((candidate) => path.relative(top, candidate).split(path.sep).join('/'))
    .find(
      (name) =>
        !name.startsWith('../') &&
        !path.isAbsolute(name) &&
        git(['ls-files', '--error-unmatch', '--', name], top, ctx.env) !== undefined &&
        !allowList.allows(name),
    );
  if (relative === undefined) return undefined;
  return {
    code: 'PLAINTEXT_TRACKED',
    file,
    message:
      `is tracked by git in plaintext. Encrypt it (nest-secrets encrypt --environment ${environment}), ` +
      `untrack it (git rm --cached ${relative}) and rotate its secrets, which stay in the history; ` +
      `if it holds only placeholders, list it in ${ALLOW_FILE}`,
  };
}

/**
 * `DUPLICATE_VALUE` warnings for values of `raw` seen before in the same
 * file or, through `seenAcross` (updated here), in an earlier environment's.
 * Values are compared by salted hash; `@NotSecret` keys and values under
 * {@link MIN_COMPARED_LENGTH} characters are not compared.
 */
function reusedValues(
  raw: RawSections,
  where: { environment: string; file: string },
  notSecret: (section: string, key: string) => boolean,
  seenAcross: Map<string, Occurrence>,
): SecretsProblem[] {
  const warnings: SecretsProblem[] = [];
  const seenHere = new Map<string, Occurrence>();
  for (const section of raw.values()) {
    for (const [key, { value, line, origin }] of section.values) {
      if (value.length < MIN_COMPARED_LENGTH || notSecret(section.name, key)) continue;
      const hash = createHash('sha256').update(fingerprintSalt).update(value).digest('hex');
      const here: Occurrence = { ...where, ...occurrenceOf(origin, where.file, line), section: section.name, key };
      const earlier = seenHere.get(hash);
      if (earlier) {
        warnings.push({
          ...at(here),
          code: 'DUPLICATE_VALUE',
          message: `same value as ${nameOf(earlier, false)}; give each key its own secret`,
        });
        continue;
      }
      seenHere.set(hash, here);
      const other = seenAcross.get(hash);
      if (other) {
        warnings.push({
          ...at(here),
          code: 'DUPLICATE_VALUE',
          message: `same value as ${nameOf(other, true)} (${other.environment}); use different secrets in each environment`,
        });
      }
    }
  }
  for (const [hash, occurrence] of seenHere) if (!seenAcross.has(hash)) seenAcross.set(hash, occurrence);
  return warnings;
}

/** Where a value is, for duplicate reports: its origin's file (a variable by name), else the INI file's line. */
function occurrenceOf(
  origin: Origin | undefined,
  file: string,
  line: number | undefined,
): Pick<Occurrence, 'file' | 'line'> {
  if (!origin) return { file, line };
  if (origin.kind === 'ini') return { file: origin.file, line: origin.line };
  if (origin.kind === 'directory-file') return { file: origin.path, line: undefined };
  return { file: describeOrigin(origin), line: undefined };
}

/** `PLACEHOLDER` for each value that looks like one (see placeholders.ts). */
function placeholders(raw: RawSections, file: string): SecretsProblem[] {
  const problems: SecretsProblem[] = [];
  for (const section of raw.values()) {
    for (const [key, raw] of section.values) {
      const rule = placeholderRule(raw.value);
      if (rule === undefined) continue;
      const presentable = isPresentableName(key);
      const { at, suffix } = valueProblemAt(raw, file);
      problems.push({
        code: 'PLACEHOLDER',
        ...at,
        section: section.name,
        ...(presentable ? { key } : {}),
        message: `${presentable ? 'value' : `the value of the key on line ${raw.line}`} looks like a placeholder (rule "${rule}"); put the real secret in before deploying${suffix}`,
      });
    }
  }
  return problems;
}

/** Keys that a claiming DTO marks `@NotSecret()`: settings, not secrets, so reuse is fine. */
function notSecretKeys(classes: readonly SecretsClass[]): (section: string, key: string) => boolean {
  const keys = new Set<string>();
  for (const cls of classes) {
    const { name } = getSectionOptions(cls);
    for (const property of describeDto(cls, name).description.properties) {
      if (property.notSecret) keys.add(`${name}\0${property.key}`);
    }
  }
  return (section, key) => keys.has(`${section}\0${key}`);
}
