import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIni } from '../lib/sources/parse';
import { CLI, cleanEnv, gitInit, leftovers, run, runCli, tempDir, write } from './helpers/cli';
import { readmeExample } from './helpers/readme';

const HEX40 = /^[0-9a-f]{40}$/;

/** A project directory with an isolated HOME; a git work tree when asked. */
function setup(options: { git?: boolean } = {}): { dir: string; env: Record<string, string> } {
  const home = tempDir('nis-init-');
  const dir = path.join(home, 'project');
  const env = cleanEnv(home);
  if (options.git) gitInit(dir, env);
  else run('mkdir', ['-p', dir]);
  return { dir, env };
}

/** Every `key = value` of a file as `section.key` → value (the file has no references). */
function values(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const section of parseIni(readFileSync(file, 'utf8')).sections.values()) {
    for (const entry of section.entries.values()) out.set(`${section.name}.${entry.key}`, entry.template.join(''));
  }
  return out;
}

/** The lines `init` adds to `.gitignore` in a new repository: the plaintext files, their editor copies and backups. */
const GITIGNORE_LINES = [
  '*-secrets.ini',
  '*-secrets.ini~',
  '.*-secrets.ini.sw[a-p]',
  '\\#*-secrets.ini#',
  '*-secrets.ini.bak',
  '*-secrets.ini.orig',
  '*-secrets.ini.tmp',
  '*-secrets.ini___jb_*___',
  '.*-secrets.ini.un~',
  '.*-secrets.ini.kate-swp',
  '*-secrets.ini.save',
  '*-secrets.ini.bak-*',
];

const NEXT_STEPS =
  'Next steps:\n' +
  '  1. Fill in the empty values you need: [facebook] consumer_key, consumer_secret, callback_url; [twitter] consumer_key, consumer_secret, callback_url. An OAuth provider whose consumer_key and consumer_secret are both empty is simply not configured.\n' +
  '  2. Encrypt production before it goes anywhere: nest-secrets encrypt --environment production, commit production-secrets.ini.age, delete production-secrets.ini.\n' +
  '  3. Before deploying, validate with your DTOs: nest-secrets check --environment development,test,production --sections <module>.\n';

/** The built-in template as written, its two tokens as `<session>` and `<jwt>`. */
const BUILT_IN_NEST_EXAMPLE = `# Secrets of this environment, made by \`nest-secrets init\`.
# Keep this file out of git: commit it encrypted (\`nest-secrets encrypt\`) instead.
# An example: keep the sections your app declares with @SecretsSection, delete the others
# (\`nest-secrets init --sections <module>\` writes exactly the sections of your DTOs).

[session]
# Signs the session cookie (express-session's secret).
secret = <session>

[jwt]
# Signs access tokens (@nestjs/jwt's secret).
secret = <jwt>

[facebook]
# OAuth2ProviderSecrets (passport-facebook). Fill in both keys to enable it; both empty = not configured.
consumer_key =
consumer_secret =
scope = email
# e.g. http://localhost:3000/auth/facebook/callback
callback_url =

[twitter]
# OAuth1ProviderSecrets (passport-twitter). Fill in both keys to enable it; both empty = not configured.
consumer_key =
consumer_secret =
# e.g. http://localhost:3000/auth/twitter/callback
callback_url =
`;

describe('nest-secrets init', () => {
  it('writes development, test and production files from the built-in Nest example, mode 0600, and says what to do next', async () => {
    const { dir, env } = setup();
    const result = await runCli(['init'], { cwd: dir, env });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      ['development', 'test', 'production']
        .map((e) => `Wrote ${path.join(dir, `${e}-secrets.ini`)} (mode 0600, 2 random tokens).\n`)
        .join('') + NEXT_STEPS,
    );
    expect(readdirSync(dir).sort()).toEqual(['development-secrets.ini', 'production-secrets.ini', 'test-secrets.ini']);
    for (const environment of ['development', 'test', 'production']) {
      const file = path.join(dir, `${environment}-secrets.ini`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = readFileSync(file, 'utf8');
      const [session, jwt] = [...text.matchAll(/^secret = (.*)$/gm)].map((match) => match[1]!);
      expect(session).toMatch(HEX40);
      expect(jwt).toMatch(HEX40);
      expect(text.replace(session!, '<session>').replace(jwt!, '<jwt>')).toBe(BUILT_IN_NEST_EXAMPLE);
    }
  });

  it('every token is fresh: 3 environments × 2 placeholders give 6 different values', async () => {
    const { dir, env } = setup();
    expect((await runCli(['init'], { cwd: dir, env })).status).toBe(0);
    const tokens = ['development', 'test', 'production'].flatMap((e) =>
      [...values(path.join(dir, `${e}-secrets.ini`)).values()].filter((value) => HEX40.test(value)),
    );
    expect(tokens).toHaveLength(6);
    expect(new Set(tokens).size).toBe(6);
  });

  it('a custom template: {{random}} is 20 bytes (40 hex), {{random:N}} N bytes; all distinct, anywhere in a value', async () => {
    const { dir, env } = setup();
    write(
      dir,
      'template.ini',
      '# {{random}} in a comment is replaced too\n' +
        '[app]\n' +
        'a = {{random}}\n' +
        'b = {{random:8}}\n' +
        'c = "prefix-{{random:1}}"\n' +
        "d = '{{ random : 32 }}'\n" +
        'e = {{randomness}} stays\n' +
        'f =\n',
    );
    const result = await runCli(['init', '-e', 'staging,production', '--template', 'template.ini'], { cwd: dir, env });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      `Wrote ${path.join(dir, 'staging-secrets.ini')} (mode 0600, 5 random tokens).\n` +
        `Wrote ${path.join(dir, 'production-secrets.ini')} (mode 0600, 5 random tokens).\n` +
        'Next steps:\n' +
        '  1. Fill in the empty values you need: [app] f. An OAuth provider whose consumer_key and consumer_secret are both empty is simply not configured.\n' +
        '  2. Encrypt staging before it goes anywhere: nest-secrets encrypt --environment staging, commit staging-secrets.ini.age, delete staging-secrets.ini.\n' +
        '  3. Encrypt production before it goes anywhere: nest-secrets encrypt --environment production, commit production-secrets.ini.age, delete production-secrets.ini.\n' +
        '  4. Before deploying, validate with your DTOs: nest-secrets check --environment staging,production --sections <module>.\n',
    );
    const all: string[] = [];
    for (const environment of ['staging', 'production']) {
      const file = path.join(dir, `${environment}-secrets.ini`);
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(/^# [0-9a-f]{40} in a comment is replaced too\n/);
      const v = values(file);
      expect(v.get('app.a')).toMatch(/^[0-9a-f]{40}$/);
      expect(v.get('app.b')).toMatch(/^[0-9a-f]{16}$/);
      expect(v.get('app.c')).toMatch(/^prefix-[0-9a-f]{2}$/);
      expect(v.get('app.d')).toMatch(/^[0-9a-f]{64}$/);
      expect(v.get('app.e')).toBe('{{randomness}} stays');
      all.push(text.match(/^# ([0-9a-f]{40})/)![1]!, v.get('app.a')!, v.get('app.b')!, v.get('app.d')!);
    }
    expect(new Set(all).size).toBe(all.length);
  });

  it('a malformed token is a SYNTAX error naming the template line; nothing is written', async () => {
    const { dir, env } = setup();
    write(dir, 'template.ini', '[app]\na = {{random}}\nb = {{random:0}}\nc = {{random:x}}\nd = {{random:1025}}\n');
    const result = await runCli(['init', '--template', 'template.ini'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const template = path.join(dir, 'template.ini');
    const message = 'a random token is {{random}} (20 bytes) or {{random:N}} with N from 1 to 1024 bytes';
    expect(result.stderr).toBe(
      `${template}:3:5: ${message}\n${template}:4:5: ${message}\n${template}:5:5: ${message}\n`,
    );
    expect(readdirSync(dir)).toEqual(['template.ini']);
  });

  it('a template that is not valid INI fails before anything is written', async () => {
    const { dir, env } = setup();
    write(dir, 'template.ini', '[app]\nsecret {{random}}\n');
    const result = await runCli(['init', '--template', 'template.ini'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${path.join(dir, 'template.ini')}:2 [app]: expected "key = value"\n`);
    expect(readdirSync(dir)).toEqual(['template.ini']);
  });

  it('a missing template is FILE_NOT_FOUND', async () => {
    const { dir, env } = setup();
    const result = await runCli(['init', '--template', 'nope.ini'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${path.join(dir, 'nope.ini')}: template not found\n`);
  });

  it('run twice: refuses to overwrite (exit 1, FILE_EXISTS for each file), nothing changes', async () => {
    const { dir, env } = setup();
    expect((await runCli(['init'], { cwd: dir, env })).status).toBe(0);
    const before = readFileSync(path.join(dir, 'production-secrets.ini'));
    // One file missing: still nothing is written, since the others exist.
    run('rm', [path.join(dir, 'test-secrets.ini')]);
    const again = await runCli(['init'], { cwd: dir, env });
    expect(again.status).toBe(1);
    expect(again.stdout).toBe('');
    const refusal = 'already exists; refusing to overwrite secrets (use --force to replace it and keep a backup)';
    expect(again.stderr).toBe(
      `${path.join(dir, 'development-secrets.ini')}: ${refusal}\n${path.join(dir, 'production-secrets.ini')}: ${refusal}\n`,
    );
    expect(readFileSync(path.join(dir, 'production-secrets.ini')).equals(before)).toBe(true);
    expect(existsSync(path.join(dir, 'test-secrets.ini'))).toBe(false);
  });

  it('--force keeps the old file as <file>.bak-<timestamp> (0600, byte-equal) and writes fresh tokens', async () => {
    const { dir, env } = setup();
    const file = write(dir, 'production-secrets.ini', '[session]\nsecret = my-own-secret-kept-in-the-backup\n', 0o644);
    const old = readFileSync(file);
    const result = await runCli(['init', '-e', 'production', '--force'], { cwd: dir, env });
    expect(result.status).toBe(0);
    const backups = readdirSync(dir).filter((name) => name.startsWith('production-secrets.ini.bak-'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^production-secrets\.ini\.bak-\d{8}T\d{6}Z$/);
    const backup = path.join(dir, backups[0]!);
    expect(readFileSync(backup).equals(old)).toBe(true);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      `Kept the old production-secrets.ini as ${backup} (mode 0600).`,
      `Wrote ${file} (mode 0600, 2 random tokens).`,
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(values(file).get('session.secret')).toMatch(HEX40);
    expect(leftovers(dir)).toEqual([]);
  });

  it('--force twice in the same second keeps both backups', async () => {
    const { dir, env } = setup();
    expect((await runCli(['init', '-e', 'production'], { cwd: dir, env })).status).toBe(0);
    const first = readFileSync(path.join(dir, 'production-secrets.ini'));
    expect((await runCli(['init', '-e', 'production', '--force'], { cwd: dir, env })).status).toBe(0);
    const second = readFileSync(path.join(dir, 'production-secrets.ini'));
    expect((await runCli(['init', '-e', 'production', '--force'], { cwd: dir, env })).status).toBe(0);
    const backups = readdirSync(dir)
      .filter((name) => name.includes('.bak-'))
      .map((name) => readFileSync(path.join(dir, name)));
    expect(backups).toHaveLength(2);
    expect(backups.some((b) => b.equals(first))).toBe(true);
    expect(backups.some((b) => b.equals(second))).toBe(true);
  });

  it('--force fails before any write when an existing file is a directory or over 1 MiB (exit 1, nothing changed)', async () => {
    const canary = 'CANARY-init-force-5e7d21';
    for (const [label, makeProduction, message] of [
      ['directory', (file: string) => mkdirSync(file), 'secrets file is a directory'],
      [
        'large',
        (file: string) => writeFileSync(file, `[a]\nk = ${canary}\n` + '#'.repeat(1024 * 1024) + '\n'),
        'secrets file is larger than 1048576 bytes',
      ],
    ] as const) {
      const { dir, env } = setup({ git: true });
      const dev = write(dir, 'development-secrets.ini', `[session]\nsecret = ${canary}-dev\n`, 0o600);
      const test = write(dir, 'test-secrets.ini', `[session]\nsecret = ${canary}-test\n`, 0o600);
      const production = path.join(dir, 'production-secrets.ini');
      makeProduction(production);
      const before = readdirSync(dir).sort();
      const result = await runCli(['init', '--force'], { cwd: dir, env });
      expect({ label, ...result }).toMatchObject({
        label,
        status: 1,
        stdout: '',
        stderr: `${production}: ${message}\n`,
      });
      expect(readFileSync(dev, 'utf8')).toBe(`[session]\nsecret = ${canary}-dev\n`);
      expect(readFileSync(test, 'utf8')).toBe(`[session]\nsecret = ${canary}-test\n`);
      expect(readdirSync(dir).sort()).toEqual(before);
    }
  });

  it('a template that renders over the loader limit is FILE_TOO_LARGE before anything is written', async () => {
    const { dir, env } = setup();
    const lines = Array.from({ length: 520 }, (_, i) => `k${i} = {{random:1024}}\n`);
    const template = write(dir, 'big.ini.tpl', `[big]\n${lines.join('')}`);
    const size = `[big]\n${lines.join('')}`.replace(/\{\{random:1024\}\}/g, 'x'.repeat(2048)).length;
    expect(size).toBeGreaterThan(1024 * 1024);
    const result = await runCli(['init', '--template', 'big.ini.tpl'], { cwd: dir, env });
    expect(result).toMatchObject({
      status: 1,
      stdout: '',
      stderr: `${template}: renders to ${size} bytes, larger than the loader's default maxFileSize (1048576 bytes), which would refuse the file\n`,
    });
    expect(readdirSync(dir)).toEqual(['big.ini.tpl']);
  });

  it('--force adds the backup line to .gitignore before writing anything', async () => {
    const { dir, env } = setup({ git: true });
    const file = write(dir, 'production-secrets.ini', '[session]\nsecret = CANARY-old-4b8e\n', 0o600);
    const result = await runCli(['init', '-e', 'production', '--force'], { cwd: dir, env });
    expect(result.status).toBe(0);
    const gitignore = path.join(dir, '.gitignore');
    expect(result.stdout.split('\n').slice(0, 3)).toEqual([
      `Added ${GITIGNORE_LINES.join(', ')} to ${gitignore}.`,
      expect.stringMatching(/^Kept the old production-secrets\.ini as .*\.bak-\d{8}T\d{6}Z \(mode 0600\)\.$/),
      `Wrote ${file} (mode 0600, 2 random tokens).`,
    ]);
    expect(result.stdout + result.stderr).not.toContain('CANARY-old-4b8e');
    expect(run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, env }).toString()).toBe(
      '?? .gitignore\n',
    );
  });

  it('an existing .age file is never shadowed by a plaintext one, even with --force', async () => {
    const { dir, env } = setup();
    write(dir, 'production-secrets.ini.age', 'age file stand-in');
    const result = await runCli(['init', '-e', 'production', '--force'], { cwd: dir, env });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `${path.join(dir, 'production-secrets.ini.age')}: production already has an encrypted secrets file; change it with \`nest-secrets edit --environment production\` (a plaintext file next to it would stop the app from loading)\n`,
    );
    expect(existsSync(path.join(dir, 'production-secrets.ini'))).toBe(false);
  });

  it('inside a git work tree, .gitignore gains *-secrets.ini and the editor-backup lines once; .age files are not ignored', async () => {
    const { dir, env } = setup({ git: true });
    write(dir, '.gitignore', 'node_modules/'); // no final newline
    const result = await runCli(['init', '--dir', 'config'], { cwd: dir, env });
    expect(result.status).toBe(0);
    const gitignore = path.join(dir, '.gitignore');
    expect(result.stdout.split('\n')[0]).toBe(`Added ${GITIGNORE_LINES.join(', ')} to ${gitignore}.`);
    expect(readFileSync(gitignore, 'utf8')).toBe(`node_modules/\n${GITIGNORE_LINES.join('\n')}\n`);
    // What editors leave next to a secrets file is ignored too.
    const copies = ['~', '.orig', '___jb_tmp___', '.save', '.bak-20250101T000000Z'].map(
      (suffix) => `production-secrets.ini${suffix}`,
    );
    const hidden = ['.swp', '.un~', '.kate-swp'].map((suffix) => `.production-secrets.ini${suffix}`);
    for (const name of [...copies, ...hidden, '#production-secrets.ini#', '.#production-secrets.ini']) {
      write(dir, `config/${name}`, 'an editor copy');
    }
    expect(run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, env }).toString()).toBe(
      '?? .gitignore\n',
    );
    write(dir, 'config/production-secrets.ini.age', 'encrypted stand-in');
    expect(run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, env }).toString()).toBe(
      '?? .gitignore\n?? config/production-secrets.ini.age\n',
    );
    // Again, for another environment: the lines are there already.
    const again = await runCli(['init', '-e', 'staging', '--dir', 'config'], { cwd: dir, env });
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain('Added');
    expect(readFileSync(gitignore, 'utf8')).toBe(`node_modules/\n${GITIGNORE_LINES.join('\n')}\n`);
    // --force keeps backups, ignored already: .gitignore stays as it is.
    expect((await runCli(['init', '-e', 'staging', '--dir', 'config', '--force'], { cwd: dir, env })).status).toBe(0);
    expect((await runCli(['init', '-e', 'staging', '--dir', 'config', '--force'], { cwd: dir, env })).status).toBe(0);
    expect(readFileSync(gitignore, 'utf8')).toBe(`node_modules/\n${GITIGNORE_LINES.join('\n')}\n`);
    expect(run('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, env }).toString()).toBe(
      '?? .gitignore\n?? config/production-secrets.ini.age\n',
    );
  });

  it('adds only the .gitignore lines whose files git does not ignore yet (a line present, or a rule of yours)', async () => {
    const { dir, env } = setup({ git: true });
    const gitignore = write(dir, '.gitignore', '*-secrets.ini~\n*.orig\n*.sw?\n');
    const result = await runCli(['init', '-e', 'production'], { cwd: dir, env });
    expect(result.status).toBe(0);
    const added = [
      '*-secrets.ini',
      '\\#*-secrets.ini#',
      '*-secrets.ini.bak',
      '*-secrets.ini.tmp',
      '*-secrets.ini___jb_*___',
      '.*-secrets.ini.un~',
      '.*-secrets.ini.kate-swp',
      '*-secrets.ini.save',
      '*-secrets.ini.bak-*',
    ];
    expect(result.stdout.split('\n')[0]).toBe(`Added ${added.join(', ')} to ${gitignore}.`);
    expect(readFileSync(gitignore, 'utf8')).toBe(`*-secrets.ini~\n*.orig\n*.sw?\n${added.join('\n')}\n`);
  });

  it('adds no line when git already ignores the files, and warns when .age files would be ignored too', async () => {
    const { dir, env } = setup({ git: true });
    write(dir, '.gitignore', '*.ini*\n');
    const result = await runCli(['init', '-e', 'production'], { cwd: dir, env });
    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain('Added');
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('*.ini*\n');
    expect(result.stderr).toBe(
      'warning: git ignores production-secrets.ini.age too; encrypted secrets files are meant to be committed: ' +
        'make sure no .gitignore rule matches *-secrets.ini.age (`git check-ignore -v production-secrets.ini.age` shows which does).\n',
    );
  });

  it('outside a git work tree, no .gitignore is written', async () => {
    const { dir, env } = setup();
    expect((await runCli(['init', '-e', 'test'], { cwd: dir, env })).status).toBe(0);
    expect(existsSync(path.join(dir, '.gitignore'))).toBe(false);
  });

  // Subprocess: the umask is the process's.
  it('mode is 0600 whatever the umask, and an existing 0644 file replaced by --force becomes 0600', async () => {
    const { dir, env } = setup();
    writeFileSync(path.join(dir, 'test-secrets.ini'), '[a]\nb = c\n');
    chmodSync(path.join(dir, 'test-secrets.ini'), 0o644);
    const r = spawnSync('sh', ['-c', `umask 000; exec "${process.execPath}" "${CLI}" init --force`], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    for (const name of readdirSync(dir)) expect(statSync(path.join(dir, name)).mode & 0o777).toBe(0o600);
  });

  it('an invalid environment name is a usage error (exit 2)', async () => {
    const { dir, env } = setup();
    const result = await runCli(['init', '-e', 'prod/../x'], { cwd: dir, env });
    expect(result.status).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('usage of the hygiene commands', () => {
  const commands = [['init'], ['check'], ['hook'], ['hook', 'install'], ['hook', 'run'], ['keys'], ['exec']];
  for (const words of commands) {
    it(`${words.join(' ')} --help exits 0 with usage`, async () => {
      const { dir, env } = setup();
      const result = await runCli([...words, '--help'], { cwd: dir, env });
      expect(result.status).toBe(0);
      expect(result.stdout.startsWith(`Usage: nest-secrets ${words.join(' ')} `)).toBe(true);
    });
  }

  it('--help lists them', async () => {
    const { dir, env } = setup();
    const result = await runCli(['--help'], { cwd: dir, env });
    for (const command of ['init', 'check', 'hook', 'keys', 'exec']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
  });

  it('an unknown option is bad usage (exit 2)', async () => {
    const { dir, env } = setup();
    const result = await runCli(['init', '--forse'], { cwd: dir, env });
    expect(result.stderr).toBe("error: unknown option '--forse'\n(Did you mean --force?)\n");
    expect(result.status).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('README: the built-in template', () => {
  it('is what init writes, each {{random}} standing for a 40-hex-digit token', async () => {
    const { dir, env } = setup();
    const result = await runCli(['init', '-e', 'staging'], { cwd: dir, env });
    expect(result.status).toBe(0);
    const written = readFileSync(path.join(dir, 'staging-secrets.ini'), 'utf8');
    const tokens = written.match(/(?<== )[0-9a-f]{40}$/gm) ?? [];
    expect(tokens).toHaveLength(2);
    expect(written.replace(/(?<== )[0-9a-f]{40}$/gm, '{{random}}')).toBe(readmeExample('init-built-in-template'));
  });
});
