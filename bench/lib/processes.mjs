/**
 * Whole-process timings: each command is a fresh `node` (or other) process,
 * started with `spawnSync` in a clean environment (`PATH` and `HOME` only:
 * a variable such as `NODE_EXTRA_CA_CERTS` adds ~30 ms to every Node start
 * and would hide what the commands themselves cost). Every round runs every
 * command once, in a new random order, so that drift and neighbours' load
 * hit all alike; ratios are taken per round against the first command (the
 * baseline, `node -e 0`).
 */
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { isStable, shuffled } from './stats.mjs';

/** The environment every measured process gets. */
export const CLEAN_ENV = Object.freeze({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/' });

/**
 * Runs `command` once; returns `{ ms, stdout }` (wall time of the whole
 * process, spawn included). Throws when it exits non-zero, with its stderr.
 */
export function runOnce(command) {
  const t0 = process.hrtime.bigint();
  const result = spawnSync(command.argv[0], command.argv.slice(1), {
    cwd: command.cwd,
    env: CLEAN_ENV,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (result.status !== 0) {
    throw new Error(
      `bench: \`${command.label}\` exited ${result.status ?? result.signal} in ${command.cwd}:\n${result.stderr}`,
    );
  }
  return { ms, stdout: result.stdout };
}

/**
 * Measures `commands` (the first is the baseline) round by round, shuffled.
 *
 * Stops after `minRounds` once every command's time and its per-round ratio
 * to the baseline have a median known to ±`tolerance` (95%), or after
 * `maxRounds`, or once `budgetMs` is spent (never before `minRounds`).
 * Returns `{ rounds, elapsedMs, stable, samples: { id: ms[] }, outputs: { id: stdout[] } }`.
 */
export function measureProcesses(commands, { warmup, minRounds, maxRounds, budgetMs, tolerance = 0.05 }) {
  const samples = Object.fromEntries(commands.map((c) => [c.id, []]));
  const outputs = Object.fromEntries(commands.map((c) => [c.id, []]));
  const base = commands[0].id;
  const started = Date.now();
  const stableNow = () =>
    commands.every(
      (c) =>
        isStable(samples[c.id], tolerance) &&
        (c.id === base ||
          isStable(
            samples[c.id].map((ms, i) => ms / samples[base][i]),
            tolerance,
          )),
    );
  let rounds = 0;
  for (let round = 0; round < warmup + maxRounds; round++) {
    const measuring = round >= warmup;
    if (measuring && rounds >= minRounds && (stableNow() || Date.now() - started > budgetMs)) break;
    for (const command of shuffled(commands)) {
      const { ms, stdout } = runOnce(command);
      if (!measuring) continue;
      samples[command.id].push(ms);
      outputs[command.id].push(stdout);
    }
    if (measuring) rounds++;
  }
  return { rounds, elapsedMs: Date.now() - started, stable: stableNow(), samples, outputs };
}
