/**
 * Where `nest-secrets init` takes its files from: the built-in example, a
 * `--template` file with `{{random}}` tokens, or the app's DTOs
 * (`--sections`). Each is loaded and checked once, then rendered once per
 * environment with fresh tokens.
 */
import * as path from 'node:path';
import { readFileOrThrow } from '../files/read-file';
import { parseIni } from '../sources/parse';
import { decodeUtf8, DEFAULT_MAX_FILE_SIZE } from '../sources/read';
import type { CliContext } from './context';
import { planDtoTemplate, renderDtoTemplate } from './dto-template';
import { loadSectionClasses } from './sections-module';
import { BUILT_IN_TEMPLATE, compileTemplate, renderTemplate, type Template } from './templates';

/** A template ready to render, whatever its origin. */
export interface InitTemplate {
  /** The `--template` file, named in errors about the rendered text; `undefined` otherwise. */
  readonly file: string | undefined;
  /** Random tokens per rendered file. */
  readonly tokens: number;
  /** The file text with fresh tokens. */
  render(): string;
  /** The first of the next steps: which empty values to fill in; `undefined` when none. */
  readonly fillIn: string | undefined;
  /** The `--sections` module as typed, for the suggested `check` command. */
  readonly sections: string | undefined;
}

/**
 * The template of `init`: the DTOs of the `sections` module when given, else
 * the `template` file (relative to `ctx.cwd`), else the built-in one.
 *
 * @throws CliError as `loadSectionClasses` does for a bad `--sections` module
 * @throws SecretsError `FILE_NOT_FOUND` and the like for the template file,
 *   `SYNTAX` for a malformed token or a template that is not valid INI
 */
export async function loadInitTemplate(
  ctx: CliContext,
  options: { template?: string; sections?: string },
): Promise<InitTemplate> {
  if (options.sections !== undefined) {
    const dto = planDtoTemplate(await loadSectionClasses(ctx.cwd, options.sections));
    return {
      file: undefined,
      tokens: dto.tokens,
      render: () => renderDtoTemplate(dto),
      fillIn: dto.required.length ? `Fill in the values marked "fill in": ${dto.required.join('; ')}.` : undefined,
      sections: options.sections,
    };
  }
  const template = await textTemplate(ctx, options.template);
  const empty = emptyKeys(renderTemplate(template));
  return {
    file: template.file,
    tokens: template.tokens,
    render: () => renderTemplate(template),
    fillIn: empty.length
      ? `Fill in the empty values you need: ${empty.join('; ')}. An OAuth provider whose consumer_key and consumer_secret are both empty is simply not configured.`
      : undefined,
    sections: undefined,
  };
}

async function textTemplate(ctx: CliContext, file: string | undefined): Promise<Template> {
  if (file === undefined) return compileTemplate(BUILT_IN_TEMPLATE, undefined);
  const absolute = path.resolve(ctx.cwd, file);
  const bytes = await readFileOrThrow(absolute, DEFAULT_MAX_FILE_SIZE, 'template');
  const template = compileTemplate(decodeUtf8(bytes, absolute), absolute);
  // Line numbers of the rendered text are those of the template.
  parseIni(renderTemplate(template), absolute);
  return template;
}

/** `[facebook] consumer_key, consumer_secret` for each section with keys left empty in the template. */
function emptyKeys(text: string): string[] {
  const result: string[] = [];
  for (const section of parseIni(text).sections.values()) {
    const keys = [...section.entries.values()].filter((entry) => entry.template.length === 0).map((e) => e.key);
    if (keys.length) result.push(`[${section.name}] ${keys.join(', ')}`);
  }
  return result;
}
