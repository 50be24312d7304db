/**
 * `npm run bench:readme` writes the bench's tables into README's Performance
 * section between `<!-- bench:<name> -->` and `<!-- /bench -->`: README must
 * hold exactly the blocks the script writes, and regeneration must touch
 * nothing outside them. No timings are asserted.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCH_MARKERS, markersIn, replaceBlocks } from '../bench/lib/readme-blocks.mjs';

const README = readFileSync(path.resolve(__dirname, '../README.md'), 'utf8');

/** What README holds between each block's markers now, trimmed. */
function currentBlocks(readme: string): Record<string, string> {
  const found = [...readme.matchAll(/<!-- bench:([a-z-]+) -->\n([\s\S]*?)<!-- \/bench -->/g)];
  return Object.fromEntries(found.map((m) => [m[1]!, m[2]!.trim()]));
}

const SMALL =
  '## Performance\n\nintro\n\n<!-- bench:cli -->\n\nold table\n\n<!-- /bench -->\n\nprose\n\n' +
  '## Developing\n\n<!-- bench:cli -->\n\nnot ours\n\n<!-- /bench -->\n';

describe("README's Performance blocks", () => {
  it('are exactly the blocks bench:readme writes, in its order', () => {
    expect(BENCH_MARKERS).toEqual([
      'machine',
      'cli',
      'imports',
      'load',
      'app',
      'age',
      'mask',
      'logger',
      'exec-mask',
      'targets',
    ]);
    expect(markersIn(README)).toEqual(BENCH_MARKERS);
  });

  it('each close with <!-- /bench -->, and rewriting them as they are leaves README unchanged', () => {
    const blocks = currentBlocks(README);
    expect(Object.keys(blocks)).toEqual(BENCH_MARKERS);
    expect(replaceBlocks(README, blocks)).toBe(README);
  });
});

describe('replaceBlocks', () => {
  it('replaces only what is between the markers, and only in the Performance section', () => {
    expect(replaceBlocks(SMALL, { cli: '| a |\n| --- |\n| 1 |\n' })).toBe(
      '## Performance\n\nintro\n\n<!-- bench:cli -->\n\n| a |\n| --- |\n| 1 |\n\n<!-- /bench -->\n\nprose\n\n' +
        '## Developing\n\n<!-- bench:cli -->\n\nnot ours\n\n<!-- /bench -->\n',
    );
  });

  it('throws when the Performance section lacks a block the script writes', () => {
    expect(() => replaceBlocks(SMALL, { imports: 'x' })).toThrow(
      new Error("README's Performance section must have <!-- bench:imports --> exactly once"),
    );
  });

  it('throws when a block is not closed', () => {
    expect(() => replaceBlocks('## Performance\n\n<!-- bench:cli -->\n\ntable\n', { cli: 'x' })).toThrow(
      new Error("README's Performance section has no <!-- /bench --> after <!-- bench:cli -->"),
    );
  });

  it('throws when README has no Performance section', () => {
    expect(() => replaceBlocks('## Developing\n', { cli: 'x' })).toThrow(
      new Error('README has no "## Performance" section'),
    );
  });
});
