/**
 * `exec --mask`: the child's stdout and stderr, each through its own masking
 * stream, to ours. `pipe` carries the back-pressure: when our output is slow,
 * the masker's buffer fills, the child's pipe is no longer read, and the
 * child blocks in `write` instead of us buffering without bound.
 */
import type { Readable, Transform, Writable } from 'node:stream';
import type { Masker } from '../mask/masker';

/**
 * Once the command has exited, how long its pipes may stay silent while we
 * are ready to read them before we stop waiting for their end. Everything the
 * command itself wrote is in the pipe by then, so silence means only a
 * process it left running (`sh -c 'server &'`) still holds the pipe open;
 * waiting for that one's end (as the child's `'close'` event would) could
 * take for ever.
 */
export const PIPE_GRACE_MS = 1000;
/** How often the silence is checked; counting ticks rather than comparing clocks keeps a blocked event loop (a synchronous write to a slow terminal) from counting as silence. */
const TICK_MS = 100;

/** The two outputs of the child, masked. */
export interface MaskedOutput {
  /**
   * Call once the child has exited or failed to start. Resolves when both
   * outputs have ended (or were given up after {@link PIPE_GRACE_MS} of
   * silence) and everything read has been written out to our streams.
   */
  finish(): Promise<void>;
}

/**
 * Starts copying `sources` (the child's pipes) through masking streams of
 * `masker` to `destinations`, which are never ended.
 */
export function maskOutput(
  sources: { stdout: Readable; stderr: Readable },
  masker: Masker,
  destinations: { stdout: Writable; stderr: Writable },
): MaskedOutput {
  const relays = [
    relay(sources.stdout, masker.createStream(), destinations.stdout),
    relay(sources.stderr, masker.createStream(), destinations.stderr),
  ];
  const done = Promise.all(relays.map((r) => r.done));
  return {
    finish: async () => {
      let silentTicks = 0;
      const timer = setInterval(() => {
        silentTicks = relays.every((r) => r.silent()) ? silentTicks + 1 : 0;
        if (silentTicks * TICK_MS >= PIPE_GRACE_MS) for (const r of relays) r.stop();
      }, TICK_MS);
      try {
        await done;
      } finally {
        clearInterval(timer);
      }
    },
  };
}

interface Relay {
  /** Resolves once everything read from the source has been written to the destination, or the destination failed. */
  readonly done: Promise<void>;
  /** Whether, since the last call, nothing arrived though we were ready to read (true once the source ended). */
  silent(): boolean;
  /** Stops reading the source; what was read is still masked and written. */
  stop(): void;
}

function relay(source: Readable, mask: Transform, destination: Writable): Relay {
  let received = false;
  let finished = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const finish = () => {
    if (finished) return;
    finished = true;
    destination.off('error', fail);
    resolveDone();
  };
  // Nobody reads our output any more (EPIPE): closing the child's pipe gives
  // the child EPIPE too, as writing to our stdout directly would have.
  function fail() {
    source.unpipe(mask);
    source.destroy();
    mask.destroy();
    finish();
  }
  const endInput = () => {
    source.unpipe(mask);
    if (!mask.writableEnded) mask.end();
  };
  source.on('data', () => (received = true));
  // A failed read ends the output as its end would; the exit code tells the rest.
  source.on('error', endInput);
  mask.on('error', fail);
  destination.on('error', fail);
  // 'end': every masked byte has been handed to the destination; `flushed` waits until it took them.
  mask.on('end', () => void flushed(destination).then(finish));
  source.pipe(mask);
  mask.pipe(destination, { end: false });
  return {
    done,
    silent: () => {
      const silent = source.readableEnded || source.destroyed || (!received && !source.isPaused());
      received = false;
      return silent;
    },
    stop: () => {
      if (source.readableEnded) return;
      endInput();
      source.destroy();
    },
  };
}

/** Resolves once `stream` has written out everything it was given (or failed). */
function flushed(stream: Writable): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  // Callbacks run in order: this one runs after every earlier write completed.
  return new Promise((resolve) => void stream.write(Buffer.alloc(0), () => resolve()));
}
