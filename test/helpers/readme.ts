/**
 * README examples that tests run. A block is marked by the HTML comment
 * `<!-- example: <name> -->` on the line before its fence; the output a
 * reader should see, when README shows it, by `<!-- example-output: <name> -->`.
 * Tests read the block from README (never a copy), run it, and compare with
 * the output block, so README cannot drift from what the code does.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const README = path.resolve(__dirname, '../../README.md');

function block(kind: 'example' | 'example-output', name: string): string | undefined {
  const readme = readFileSync(README, 'utf8');
  const marker = `<!-- ${kind}: ${name} -->`;
  const at = readme.indexOf(marker);
  if (at < 0) return undefined;
  if (readme.indexOf(marker, at + marker.length) >= 0) throw new Error(`README marks "${kind}: ${name}" twice`);
  const rest = readme.slice(at + marker.length);
  // The fence must be the next thing after the marker (blank lines allowed, as prettier writes them).
  const fenced = /^(`{3,})[^\n]*\n([\s\S]*?)^\1[ \t]*$/m.exec(rest.slice(rest.search(/\S/)));
  if (!fenced || fenced.index !== 0) {
    throw new Error(`README "${kind}: ${name}" is not followed by a fenced block`);
  }
  return fenced[2]!;
}

/** The code of README's example `name` (throws when README has none). */
export function readmeExample(name: string): string {
  const code = block('example', name);
  if (code === undefined) throw new Error(`README has no <!-- example: ${name} -->`);
  return code;
}

/** The output README shows for example `name` (throws when README has none). */
export function readmeOutput(name: string): string {
  const output = block('example-output', name);
  if (output === undefined) throw new Error(`README has no <!-- example-output: ${name} -->`);
  return output;
}

/**
 * The command lines of a shell example: one per line, `$ ` prompts and
 * `#` comment lines dropped, `\` continuations joined.
 */
export function shellCommands(code: string): string[] {
  return code
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.replace(/^\$ /, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
