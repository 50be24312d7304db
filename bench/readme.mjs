/**
 * `npm run bench:readme`: writes the tables of the last full `npm run bench`
 * (bench/results.json) into README's Performance section, between its
 * `<!-- bench:<name> -->` … `<!-- /bench -->` markers, formatted as Prettier
 * formats README. Refuses a quick or partial run.
 *
 *   node bench/readme.mjs [results.json]
 */
import console from 'node:console';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { BENCH_MARKERS, benchBlocks, replaceBlocks } from './lib/readme-blocks.mjs';
import { benchDir, repoRoot, rootRequire } from './lib/shared.mjs';

const file = path.resolve(process.argv[2] ?? path.join(benchDir, 'results.json'));
const results = JSON.parse(readFileSync(file, 'utf8'));
const missing = ['cli', 'imports', 'load', 'app', 'age', 'sub'].filter((part) => results[part] === undefined);
if (results.quick || missing.length > 0) {
  console.error(
    `bench: ${file} is from a ${results.quick ? 'quick' : `partial (no ${missing.join(', ')})`} run: ` +
      'run `npm run bench` in full first',
  );
  process.exit(1);
}
const prettier = rootRequire('prettier');
const readmeFile = path.join(repoRoot, 'README.md');
const options = { ...(await prettier.resolveConfig(readmeFile)), parser: 'markdown' };
const blocks = benchBlocks(results);
for (const name of BENCH_MARKERS) blocks[name] = (await prettier.format(blocks[name], options)).trim();
writeFileSync(readmeFile, replaceBlocks(readFileSync(readmeFile, 'utf8'), blocks));
console.log(`README.md: ${BENCH_MARKERS.length} Performance blocks written from ${path.relative(repoRoot, file)}`);
