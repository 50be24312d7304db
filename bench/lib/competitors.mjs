/**
 * The competitors, each given the same data and the same DTO classes.
 *
 * (a) `load()` reads and validates the file alone and returns section name →
 * validated instance (for the correctness check, outside the timing).
 * (b) `appModule()` returns a root module whose import does the same work
 * when Nest builds the application (and, for the two config libraries, at the
 * `forRoot` call itself, as in a real app module).
 */
import { readFileSync } from 'node:fs';
import { envFile, envName, iniFile } from './data.mjs';
import { convertValue, makeDtos } from './dtos.mjs';
import { ct, cv, ini, loadNestConfig, loadOurs, loadTypedConfig, nestCommon } from './shared.mjs';

export const LOADERS = ['floor', 'ours', 'oursNoDtos', 'nestConfig', 'typedConfig'];
export const APPS = ['baseline', 'ours', 'nestConfig', 'typedConfig'];
export const LABELS = {
  floor: 'floor (ini + class-validator)',
  baseline: 'baseline (`useValue` module)',
  ours: 'nestjs-ini-secrets',
  oursNoDtos: 'nestjs-ini-secrets, no DTOs',
  nestConfig: '@nestjs/config',
  typedConfig: 'nest-typed-config',
};

/** Every competitor but the floor gets a limit large enough for 20,000 keys (about 1.2 MB). */
const MAX_FILE_SIZE = 16 * 1024 * 1024;

function fail(who, errors) {
  throw new Error(`${who}: ${errors.length} validation errors, first: ${JSON.stringify(errors[0]?.constraints)}`);
}

function convertSection(section, plain) {
  const out = {};
  for (const { key, kind } of section.keys) out[key] = convertValue(kind, plain?.[key]);
  return out;
}

const factories = {
  floor({ dtos, ini: file }) {
    return {
      async load() {
        const parsed = ini.parse(readFileSync(file, 'utf8'));
        const out = new Map();
        for (const section of dtos.sections) {
          const instance = ct.plainToInstance(section.cls, convertSection(section, parsed[section.name]));
          const errors = await cv.validate(instance);
          if (errors.length) fail('floor', errors);
          out.set(section.name, instance);
        }
        return out;
      },
    };
  },

  ours({ dtos, ini: file, ours }) {
    const sections = dtos.sections.map((s) => s.cls);
    const options = { sections, file, maxFileSize: MAX_FILE_SIZE };
    const instances = (secrets) => new Map(dtos.sections.map((s) => [s.name, secrets.section(s.cls)]));
    return {
      async load() {
        return instances(await ours.loadSecrets(options));
      },
      appModule() {
        return { imports: [ours.SecretsModule.forRoot(options)], token: dtos.sections[0].cls };
      },
      fromApp(app) {
        return instances(app.get(ours.SecretsService));
      },
    };
  },

  // Our stages without class-validator: locate, read, parse, interpolate.
  oursNoDtos({ dtos, ini: file, ours }) {
    return {
      async load() {
        const secrets = await ours.loadSecrets({ file, maxFileSize: MAX_FILE_SIZE });
        const raw = (section) =>
          Object.fromEntries(section.keys.map(({ key }) => [key, secrets.get(`${section.name}.${key}`)]));
        return new Map(dtos.sections.map((s) => [s.name, raw(s)]));
      },
    };
  },

  nestConfig({ dtos, env: file, nestConfig }) {
    // @nestjs/config validates the flat variables; this groups them back into
    // the same section DTOs and keeps the instances on the returned config.
    const plan = dtos.sections.map((section) => ({
      section,
      keys: section.keys.map(({ key, kind }) => [key, kind, envName(section.name, key)]),
    }));
    let validated;
    const validate = (config) => {
      for (const { section, keys } of plan) {
        const plain = {};
        for (const [key, kind, name] of keys) plain[key] = convertValue(kind, config[name]);
        const instance = ct.plainToInstance(section.cls, plain);
        const errors = cv.validateSync(instance);
        if (errors.length) fail('@nestjs/config', errors);
        config[section.name] = instance;
      }
      validated = config;
      return config;
    };
    const forRoot = () =>
      nestConfig.ConfigModule.forRoot({ envFilePath: file, expandVariables: true, validate, isGlobal: true });
    const instances = (get) => new Map(dtos.sections.map((s) => [s.name, get(s.name)]));
    return {
      async load() {
        await forRoot();
        return instances((name) => validated[name]);
      },
      appModule() {
        return { imports: [forRoot()], token: nestConfig.ConfigService };
      },
      fromApp(app) {
        const service = app.get(nestConfig.ConfigService);
        return instances((name) => service.get(name));
      },
    };
  },

  typedConfig({ dtos, ini: file, typedConfig }) {
    const normalize = (raw) => {
      const out = {};
      for (const section of dtos.sections) out[section.name] = convertSection(section, raw[section.name]);
      return out;
    };
    const forRoot = () =>
      typedConfig.TypedConfigModule.forRoot({
        schema: dtos.Root,
        load: typedConfig.fileLoader({
          absolutePath: file,
          loaders: { '.ini': (_path, content) => ini.parse(content) },
          ignoreEnvironmentVariableSubstitution: false,
        }),
        normalize,
      });
    const instances = (root) => new Map(dtos.sections.map((s) => [s.name, root[s.name]]));
    return {
      async load() {
        return instances(forRoot().providers[0].useValue);
      },
      appModule() {
        return { imports: [forRoot()], token: dtos.sections[0].cls };
      },
      fromApp(app) {
        return instances(app.get(dtos.Root));
      },
    };
  },

  baseline({ dtos, spec }) {
    // Hand-written: the values typed into a module, no file, no validation.
    const providers = spec.sections.map((section, i) => {
      const value = Object.freeze(Object.fromEntries(section.keys.map(({ key, value }) => [key, value])));
      return { provide: dtos.sections[i].cls, useValue: value };
    });
    const tokens = providers.map((p) => p.provide);
    let SecretsBaselineModule = class SecretsBaselineModule {};
    SecretsBaselineModule = Reflect.decorate(
      [nestCommon.Global(), nestCommon.Module({ providers, exports: tokens })],
      SecretsBaselineModule,
    );
    return {
      appModule() {
        return { imports: [SecretsBaselineModule], token: tokens[0] };
      },
      fromApp(app) {
        return new Map(dtos.sections.map((s) => [s.name, app.get(s.cls)]));
      },
    };
  },
};

/**
 * Builds the named competitors for `spec`, loading only the packages they need
 * (so a process measuring one competitor's memory holds only that one).
 */
export async function makeCompetitors(names, { spec, dir }) {
  const ours = names.some((name) => name.startsWith('ours')) ? loadOurs() : undefined;
  const nestConfig = names.includes('nestConfig') ? await loadNestConfig() : undefined;
  const typedConfig = names.includes('typedConfig') ? loadTypedConfig() : undefined;
  const dtos = makeDtos(spec, ours?.SecretsSection);
  const context = {
    spec,
    dtos,
    ini: iniFile(dir, spec.size),
    env: envFile(dir, spec.size),
    ours,
    nestConfig,
    typedConfig,
  };
  return Object.fromEntries(names.map((name) => [name, factories[name](context)]));
}

/** Root module class of a test app: the competitor's imports plus one provider that injects a section. */
export function appModuleClass(competitor) {
  const { imports, token } = competitor.appModule();
  let Consumer = class Consumer {
    constructor(injected) {
      this.injected = injected;
    }
  };
  Consumer = Reflect.decorate([nestCommon.Injectable(), Reflect.metadata('design:paramtypes', [token])], Consumer);
  let AppModule = class AppModule {};
  AppModule = Reflect.decorate([nestCommon.Module({ imports, providers: [Consumer] })], AppModule);
  return AppModule;
}

/**
 * Throws unless every section of `loaded` has exactly the expected values
 * (the floor does not interpolate: it keeps the references as written).
 */
export function verify(who, spec, loaded) {
  for (const section of spec.sections) {
    const instance = loaded.get(section.name);
    if (!instance) throw new Error(`${who}: no instance for [${section.name}]`);
    for (const { key, kind, value: interpolated, text } of section.keys) {
      let value = who === 'floor' && text.includes('${') ? text : interpolated;
      // Without a DTO there is no conversion: the raw interpolated string.
      if (who === 'oursNoDtos') value = kind === 'list' ? interpolated.join(', ') : String(interpolated);
      const actual = instance[key];
      if (JSON.stringify(actual) !== JSON.stringify(value)) {
        throw new Error(
          `${who}: [${section.name}] ${key} is ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}`,
        );
      }
    }
  }
}
