/**
 * class-validator and class-transformer, required on first use rather than
 * imported: the DTO stages' files are reached from commands that never
 * validate (`nest-secrets exec`, `keys`, `hook run` through the sources),
 * which must not pay the libraries' ≈ 60 ms start-up. Each is the one
 * instance that user code's decorators fill (the packages' CommonJS `main`).
 */
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';

type ClassValidator = typeof import('class-validator');
type ClassTransformer = typeof import('class-transformer');

let validator: ClassValidator | undefined;
let transformer: ClassTransformer | undefined;
let transformerStorage: TransformerStorage | undefined;

/** The `class-validator` module, loaded on the first call. */
export function classValidator(): ClassValidator {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (validator ??= require('class-validator') as ClassValidator);
}

/** The `class-transformer` module, loaded on the first call. */
export function classTransformer(): ClassTransformer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (transformer ??= require('class-transformer') as ClassTransformer);
}

/**
 * class-transformer's metadata storage, which its public API does not
 * export: the module instance of `class-transformer`'s own `require` graph
 * (the package has no `exports` map and `main` is CJS), so decorators
 * applied by user code land here.
 */
export function classTransformerStorage(): TransformerStorage {
  transformerStorage ??= // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerStorage }).defaultMetadataStorage;
  return transformerStorage;
}

/** class-transformer's `TransformationType` values (an enum read without loading the library). */
export const PLAIN_TO_CLASS = 0;
/** class-transformer's `TransformationType.CLASS_TO_PLAIN`. */
export const CLASS_TO_PLAIN = 1;
