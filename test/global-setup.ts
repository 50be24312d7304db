import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Builds `dist/` once before the tests, so that the CLI tests run
 * `node dist/cli/main.js` as users run the installed `nest-secrets`.
 */
export default function setup(): void {
  const tsc = path.resolve('node_modules/typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(path.resolve('dist/cli/main.js'))) {
    throw new Error(`building dist/ failed (tsc -p tsconfig.build.json):\n${result.stdout}${result.stderr}`);
  }
}
