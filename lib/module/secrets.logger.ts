import { ConsoleLogger, type LoggerService, type LogLevel } from '@nestjs/common';
import buffer from 'node:buffer';
import { inspect, type InspectOptions } from 'node:util';

/** What {@link SecretsLogger} masks with: `SecretsService`, or the `Secrets` from `loadSecrets`. */
export interface SecretsMasking {
  /** `text` with every secret value replaced by `[REDACTED]`; the same string when there is none. */
  mask(text: string): string;
  /**
   * The secrets masked with now, when they can change (`SecretsService` and
   * `watchSecrets`' result with `watch`): a new object means new values.
   */
  readonly current?: object;
}

/** Contexts up to this long are remembered masked, up to this many. */
const CONTEXT_MAX_LENGTH = 100;
const CONTEXT_CACHE_SIZE = 256;

type Level = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

/**
 * A Nest `LoggerService` that masks every secret value before it reaches the
 * logger it wraps (`inner`, Nest's `ConsoleLogger` by default): the message,
 * every optional parameter and the context.
 *
 * - Strings (messages, contexts, the `stack` Nest passes to `error`) are
 *   masked with `secrets.mask`.
 * - An `Error` is passed on as a copy (same prototype, own properties) whose
 *   message, stack, `cause` and other properties are masked, when one of them
 *   holds a secret.
 * - Any other object (and a number whose digits are a secret, a symbol whose
 *   description is one) is rendered
 *   with `util.inspect` (no depth limit, hidden properties included) and
 *   `JSON.stringify`. When neither
 *   rendering holds a secret the object itself is passed on. Otherwise a plain
 *   object or array is passed on as a masked copy (still plain, so that
 *   `ConsoleLogger` still prints it as structured parameters); anything else
 *   as a stand-in that `util.inspect`, `String()` and `JSON.stringify` print
 *   as the masked rendering.
 * - A lazy message (a function) is masked when the inner logger calls it.
 *
 * The caller's objects are never changed. Levels the inner `ConsoleLogger`
 * has disabled cost nothing.
 *
 * `SecretsModule.forRoot` (and `forRootAsync`) provides and exports one
 * wrapping a `ConsoleLogger`; wrap your own logger with the constructor. It
 * is not meant to be listed in `providers` as a class (its constructor takes
 * no injectable types): use a factory provider, as the module does.
 *
 * @example
 * const app = await NestFactory.create(AppModule, { bufferLogs: true });
 * app.useLogger(app.get(SecretsLogger));
 * // or around a logger of your own:
 * app.useLogger(new SecretsLogger(app.get(SecretsService), new ConsoleLogger({ json: true })));
 */
export class SecretsLogger implements LoggerService {
  /** The logger every masked call goes to. */
  readonly inner: LoggerService;
  readonly #secrets: SecretsMasking;
  readonly #contexts = new Map<string, string>();
  #contextsOf: object | undefined;

  /**
   * @param secrets what masks: `SecretsService` (in a Nest app) or the `Secrets` from `loadSecrets`.
   * @param inner the logger to write to. Default: `new ConsoleLogger()`.
   */
  constructor(secrets: SecretsMasking, inner: LoggerService = new ConsoleLogger()) {
    this.#secrets = secrets;
    this.inner = inner;
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('log', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('verbose', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  /** Passed on to the inner logger. */
  setLogLevels(levels: LogLevel[]): void {
    this.inner.setLogLevels?.(levels);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const method = this.inner[level];
    if (typeof method !== 'function') return;
    // Masking costs more than a disabled level's check: skip what would not be printed.
    if (this.inner instanceof ConsoleLogger && !this.inner.isLevelEnabled(level)) return;
    // The common shapes, `(message)` and `(message, context)`, without spreading.
    if (params.length === 0) return void method.call(this.inner, this.value(message));
    if (params.length === 1) return void method.call(this.inner, this.value(message), this.context(params[0]));
    const last = params.length - 1;
    const masked = new Array<unknown>(params.length);
    for (let i = 0; i < last; i++) masked[i] = this.value(params[i]);
    masked[last] = this.context(params[last]);
    method.apply(this.inner, [this.value(message), ...masked] as [unknown, ...unknown[]]);
  }

  /**
   * The last argument, usually the context: a class name that comes back on
   * every line. Short strings are remembered masked, so that a line costs one
   * masking (its message), not two. What is remembered is forgotten when
   * the secrets are replaced (rotation): a new value may be in a context.
   */
  private context(value: unknown): unknown {
    if (typeof value !== 'string' || value.length > CONTEXT_MAX_LENGTH) return this.value(value);
    const current = this.#secrets.current;
    if (current !== this.#contextsOf) {
      this.#contexts.clear();
      this.#contextsOf = current;
    }
    let masked = this.#contexts.get(value);
    if (masked === undefined) {
      if (this.#contexts.size >= CONTEXT_CACHE_SIZE) this.#contexts.clear();
      masked = this.#secrets.mask(value);
      this.#contexts.set(value, masked);
    }
    return masked;
  }

  /** `value` as it may be passed on: itself when it holds no secret. */
  private value(value: unknown, seen?: Map<object, unknown>): unknown {
    switch (typeof value) {
      case 'string':
        return this.#secrets.mask(value);
      case 'undefined':
      case 'boolean':
        return value;
      case 'number':
      case 'bigint':
      case 'symbol': {
        const text = String(value);
        const masked = this.#secrets.mask(text);
        return masked === text ? value : new MaskedRendering(masked, masked);
      }
      case 'function':
        return this.lazy(value as (...args: unknown[]) => unknown);
    }
    if (value === null) return value;
    const object = value as object;
    // Created here, not as a default: most arguments are strings.
    seen ??= new Map();
    if (seen.has(object)) return seen.get(object);
    if (object instanceof Error) return this.maskError(object, seen);
    // Hidden properties included: a logger may show them (`ConsoleLogger({ showHidden: true })`).
    const inspected = render(object, true);
    const json = renderJson(object);
    const maskedJson = json === undefined ? undefined : this.#secrets.mask(json);
    if (this.#secrets.mask(inspected) === inspected && maskedJson === json) return value;
    if (Array.isArray(object) || isPlainObject(object)) {
      // Checked again as a whole: a secret may show only in the rendering
      // (a getter, a symbol key), which the copy cannot reach.
      const copy = this.copy(object, seen);
      const copyInspected = render(copy, true);
      const copyJson = renderJson(copy);
      if (
        this.#secrets.mask(copyInspected) === copyInspected &&
        (copyJson === undefined || this.#secrets.mask(copyJson) === copyJson)
      ) {
        return copy;
      }
    }
    // Printed without the hidden properties (a copy cannot tell which were hidden): they are left out.
    const maskedInspected = this.#secrets.mask(render(object, false));
    return new MaskedRendering(maskedInspected, maskedJson === undefined ? maskedInspected : parseOr(maskedJson));
  }

  /** A plain copy of a plain object or array, each value masked. */
  private copy(object: object, seen: Map<object, unknown>): object {
    const copy: Record<string | symbol, unknown> = Array.isArray(object)
      ? []
      : Object.create(Object.getPrototypeOf(object) === null ? null : Object.prototype);
    seen.set(object, copy);
    for (const key of Object.keys(object)) {
      copy[this.#secrets.mask(key)] = this.value((object as Record<string, unknown>)[key], seen);
    }
    return copy;
  }

  /**
   * A native error of the same prototype, with every own property masked
   * (message, stack, cause, and e.g. an `errors` list), or the error itself
   * when nothing in it is secret.
   */
  private maskError(error: Error, seen: Map<object, unknown>): Error {
    const json = renderJson(error);
    const shown = [render(error, true), String(error.message), json ?? ''];
    if (shown.every((text) => this.#secrets.mask(text) === text)) return error;
    const copy = new Error();
    // Its own stack goes before the prototype changes: formatting it then (as
    // redefining it would) may read getters of the error's class.
    delete (copy as { stack?: string }).stack;
    Object.setPrototypeOf(copy, Object.getPrototypeOf(error));
    seen.set(error, copy);
    if (!Object.prototype.hasOwnProperty.call(error, 'stack')) {
      const stack = safeGet(error, 'stack');
      if (typeof stack === 'string') {
        Object.defineProperty(copy, 'stack', {
          value: this.#secrets.mask(stack),
          writable: true,
          configurable: true,
        });
      }
    }
    for (const key of Reflect.ownKeys(error)) {
      const descriptor = Object.getOwnPropertyDescriptor(error, key)!;
      const raw = 'value' in descriptor ? descriptor.value : safeGet(error, key);
      Object.defineProperty(copy, key, {
        value: this.value(raw, seen),
        writable: true,
        enumerable: descriptor.enumerable,
        configurable: true,
      });
    }
    // A platform error (DOMException) reads its name and message from internal
    // slots the copy lacks, and throws when printed: give the copy its own.
    if (!printable(copy)) {
      for (const key of ['name', 'message']) {
        if (Object.prototype.hasOwnProperty.call(copy, key)) continue;
        const text = this.#secrets.mask(String(safeGet(error, key)));
        Object.defineProperty(copy, key, { value: text, writable: true, configurable: true });
      }
    }
    return copy;
  }

  /** A lazy message (Nest's ConsoleLogger calls it), masked when called; a class is printed by name. */
  private lazy(fn: (...args: unknown[]) => unknown): unknown {
    if (Function.prototype.toString.call(fn).startsWith('class ')) {
      const masked = this.#secrets.mask(fn.name);
      return masked === fn.name ? fn : new MaskedRendering(masked, masked);
    }
    const wrapper = (): unknown => this.value(fn());
    Object.defineProperty(wrapper, 'name', { value: this.#secrets.mask(fn.name) });
    return wrapper;
  }
}

/**
 * Stands in for an object that held a secret: prints as its masked
 * rendering. An object rather than the rendered string, because Nest's
 * `ConsoleLogger` takes a trailing string argument for the context.
 */
class MaskedRendering {
  readonly #inspected: string;
  readonly #json: unknown;

  constructor(inspected: string, json: unknown) {
    this.#inspected = inspected;
    this.#json = json;
  }

  [inspect.custom](): string {
    return this.#inspected;
  }

  toJSON(): unknown {
    return this.#json;
  }

  toString(): string {
    return this.#inspected;
  }
}

// Deeper, longer and wider than any logger prints, so that nothing a logger
// shows is left unchecked; colour codes would split nothing but cost time.
const INSPECT_ALL: InspectOptions = {
  depth: Infinity,
  maxArrayLength: Infinity,
  maxStringLength: Infinity,
  breakLength: Infinity,
  compact: true,
  colors: false,
};
const INSPECT_HIDDEN: InspectOptions = { ...INSPECT_ALL, showHidden: true };

function render(value: object, showHidden: boolean): string {
  // A Buffer prints at most `INSPECT_MAX_BYTES` bytes, whatever the options:
  // all of them here, so that a secret it holds is found whole.
  const settings = buffer as { INSPECT_MAX_BYTES: number };
  const maxBytes = settings.INSPECT_MAX_BYTES;
  settings.INSPECT_MAX_BYTES = Infinity;
  try {
    return inspect(value, showHidden ? INSPECT_HIDDEN : INSPECT_ALL);
  } catch {
    return '';
  } finally {
    settings.INSPECT_MAX_BYTES = maxBytes;
  }
}

/**
 * `JSON.stringify` as loggers use it (pino, winston, Nest's JSON mode):
 * circular references and BigInts do not throw; Maps, Sets and Errors are
 * left to the `util.inspect` rendering. `undefined` when it cannot render.
 */
function renderJson(value: object): string | undefined {
  const ancestors: object[] = [];
  try {
    return JSON.stringify(value, function (this: unknown, _key: string, item: unknown) {
      if (typeof item === 'bigint') return item.toString();
      if (item === null || typeof item !== 'object') return item;
      while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
      if (ancestors.includes(item)) return '[Circular]';
      ancestors.push(item);
      return item;
    });
  } catch {
    return undefined;
  }
}

/** Whether printing `error` (as loggers do: inspect, `String()`) works. */
function printable(error: Error): boolean {
  try {
    inspect(error, INSPECT_ALL);
    String(error);
    return true;
  } catch {
    return false;
  }
}

function parseOr(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

function safeGet(object: object, key: string | symbol): unknown {
  try {
    return (object as Record<string | symbol, unknown>)[key];
  } catch {
    return undefined;
  }
}
