/**
 * README's Performance tables, regenerated from one bench run: each table
 * sits between `<!-- bench:<name> -->` and `<!-- /bench -->` inside the
 * "## Performance" section; only what is between the two markers is
 * replaced.
 */
import { ageTable, appTable, cliTable, importsTable, loadTable, machineLine, tableIn } from './tables.mjs';
import { targetList } from './targets.mjs';

/** Each block's Markdown from bench/results.json's object, in README order. */
const RENDER = {
  machine: machineLine,
  cli: (results) => cliTable(results.cli),
  imports: (results) => importsTable(results.imports),
  load: loadTable,
  app: appTable,
  age: ageTable,
  mask: (results) => tableIn(results.sub.mask, 0),
  logger: (results) => tableIn(results.sub.logger, 0),
  'exec-mask': (results) => tableIn(results.sub.execMask, 0),
  targets: targetList,
};

/** Every block the regeneration writes, in README order. */
export const BENCH_MARKERS = Object.keys(RENDER);

const CLOSE = '<!-- /bench -->';

/** The Markdown of every block of {@link BENCH_MARKERS}: name → Markdown. */
export function benchBlocks(results) {
  return Object.fromEntries(BENCH_MARKERS.map((name) => [name, RENDER[name](results)]));
}

/** `[start, end)` of README's "## Performance" section. */
export function performanceSection(readme) {
  const start = readme.search(/^## Performance$/m);
  if (start < 0) throw new Error('README has no "## Performance" section');
  const next = readme.slice(start + 1).search(/^## /m);
  return [start, next < 0 ? readme.length : start + 1 + next];
}

/** The marker names of the Performance section, in order (`<!-- bench:<name> -->`). */
export function markersIn(readme) {
  const [start, end] = performanceSection(readme);
  return [...readme.slice(start, end).matchAll(/<!-- bench:([a-z-]+) -->/g)].map((m) => m[1]);
}

/**
 * README with each block of `blocks` (name → Markdown) between its markers.
 * Throws when the Performance section lacks a block's opening marker, has it
 * twice, or has no `<!-- /bench -->` after it.
 */
export function replaceBlocks(readme, blocks) {
  let [start, end] = performanceSection(readme);
  let section = readme.slice(start, end);
  for (const [name, markdown] of Object.entries(blocks)) {
    const open = `<!-- bench:${name} -->`;
    const at = section.indexOf(open);
    if (at < 0 || section.indexOf(open, at + 1) >= 0) {
      throw new Error(`README's Performance section must have ${open} exactly once`);
    }
    const close = section.indexOf(CLOSE, at);
    if (close < 0) throw new Error(`README's Performance section has no ${CLOSE} after ${open}`);
    const body = markdown.trim() === '' ? '\n\n' : `\n\n${markdown.trim()}\n\n`;
    section = section.slice(0, at + open.length) + body + section.slice(close);
  }
  return readme.slice(0, start) + section + readme.slice(end);
}
