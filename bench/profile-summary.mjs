/**
 * Prints the hottest functions of a V8 .cpuprofile (from `node --cpu-prof`):
 *   node bench/profile-summary.mjs <file.cpuprofile> [count]
 * Self time is where the CPU was; total time includes callees.
 */
import { readFileSync } from 'node:fs';
import process from 'node:process';
import console from 'node:console';

const [file, count = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const interval = (profile.endTime - profile.startTime) / profile.samples.length / 1000;
const self = new Map();
for (const id of profile.samples) self.set(id, (self.get(id) ?? 0) + 1);

const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const where = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|bench)\//, '$1/')}:${lineNumber + 1}`;
};
const selfBy = new Map();
const totalBy = new Map();
for (const [id, hits] of self) {
  const node = byId.get(id);
  selfBy.set(where(node), (selfBy.get(where(node)) ?? 0) + hits);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const name = where(byId.get(at));
    if (seen.has(name)) continue;
    seen.add(name);
    totalBy.set(name, (totalBy.get(name) ?? 0) + hits);
  }
}
const top = (map) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(count))
    .map(([name, hits]) => `${(hits * interval).toFixed(1).padStart(9)} ms  ${name}`)
    .join('\n');
console.log(
  `samples: ${profile.samples.length}, ${(profile.samples.length * interval).toFixed(0)} ms\n\nself:\n${top(selfBy)}\n\ntotal:\n${top(totalBy)}`,
);
