import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Builds `dist/` once before the tests, for what runs the built CLI: the
 * subprocess tests (`node dist/cli/main.js`, as users run the installed
 * `nest-secrets`, and git hooks and diff drivers), and `check --sections`
 * with fixtures that require dist/. Skipped when dist/ is newer than every
 * source and build setting.
 */
export default function setup(): void {
  const built = path.resolve('dist/cli/main.js');
  if (!(existsSync(built) && statSync(built).mtimeMs > newestSource())) build(built);
  // As npm does for a package's bin when it installs it: git hooks run the CLI by name.
  chmodSync(built, 0o755);
}

function build(built: string): void {
  const tsc = path.resolve('node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(built)) {
    throw new Error(`building dist/ failed (tsc -p tsconfig.build.json):\n${result.stdout}${result.stderr}`);
  }
}

/** The newest modification time among lib/ (files and folders: a removed file counts) and the build settings. */
function newestSource(): number {
  let newest = 0;
  const visit = (entry: string): void => {
    const stat = statSync(entry);
    newest = Math.max(newest, stat.mtimeMs);
    if (stat.isDirectory()) for (const name of readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(path.resolve('lib'));
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json']) {
    if (existsSync(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}
