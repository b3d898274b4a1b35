import { AppConfig, ConfigReader, JsonObject } from '@backstage/config';
import {
  ConfigSchema,
  ConfigSources,
  loadConfigSchema,
} from '@backstage/config-loader';
import { getPackages } from '@manypkg/get-packages';
import { join, resolve } from 'node:path';

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '../../..');

/**
 * The configuration schema of every package of the repository, loaded the
 * way the backend loads it at start-up (every workspace package's
 * `configSchema`, schema errors reported through `onSchemaError`, which the
 * backend logs as warnings) and `backstage-cli config:check --strict`
 * (undeclared keys refused).
 */
async function loadSchema(options: { strict: boolean }) {
  const { packages } = await getPackages(ROOT);
  const errors: string[] = [];
  const schema = await loadConfigSchema({
    dependencies: packages.map(p => p.packageJson.name),
    packagePaths: [join(ROOT, 'package.json')],
    noUndeclaredProperties: options.strict,
    onSchemaError: error => errors.push(error.message),
  });
  return { schema, errors };
}

/** The repository's config files, environment variables set to `env`. */
async function readAppConfigs(
  files: string[],
  env: Record<string, string> = {},
): Promise<AppConfig[]> {
  const source = ConfigSources.default({
    rootDir: ROOT,
    argv: files.flatMap(file => ['--config', join(ROOT, file)]),
    substitutionFunc: async name => env[name] ?? process.env[name],
  });
  const controller = new AbortController();
  for await (const { configs } of source.readConfigData({
    signal: controller.signal,
  })) {
    controller.abort();
    return configs;
  }
  throw new Error(`No config read from ${files.join(', ')}`);
}

/** What a production deployment sets (values made up, shapes real). */
const PRODUCTION_ENV: Record<string, string> = {
  OPENAI_API_KEY: 'sk-test-openai-key',
  DOCUCHAT_ZIBAL_MERCHANT: 'test-zibal-merchant',
  DOCUCHAT_SMTP_HOST: 'smtp.example.test',
  DOCUCHAT_SMTP_PORT: '587',
  DOCUCHAT_SMTP_USER: 'billing',
  DOCUCHAT_SMTP_PASSWORD: 'test-smtp-password',
  DOCUCHAT_METRICS_TOKEN: 'a-scrape-token-of-32-characters!',
  DOCUCHAT_BILLING_EMAIL_FROM: 'DocuChat <billing@example.test>',
  DOCUCHAT_PROMETHEUS_URL: 'http://prometheus.example.test:9090',
  DOCUCHAT_OPERATORS_GROUP: 'group:default/platform',
  POSTGRES_HOST: 'db.example.test',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'backstage',
  POSTGRES_PASSWORD: 'test-postgres-password',
  REDIS_URL: 'redis://cache.example.test:6379',
};

const billing = (settings: JsonObject): AppConfig => ({
  context: 'test',
  data: { docuchat: { billing: settings } },
});

/** The messages a schema has for a config; none when it passes. */
function problemsOf(schema: ConfigSchema, configs: AppConfig[]): string[] {
  try {
    schema.process(configs);
    return [];
  } catch (error) {
    return (error as { messages?: string[] }).messages ?? [String(error)];
  }
}

describe('configuration schema of every package', () => {
  let backend: Awaited<ReturnType<typeof loadSchema>>;
  let strict: Awaited<ReturnType<typeof loadSchema>>;
  let defaults: AppConfig[];
  /** The embedded defaults with `settings` as docuchat.billing on top. */
  const withBilling = (settings: JsonObject) => [
    ...defaults,
    billing(settings),
  ];

  beforeAll(async () => {
    backend = await loadSchema({ strict: false });
    strict = await loadSchema({ strict: true });
    defaults = await readAppConfigs(['app-config.yaml']);
  });

  it('compiles without an error or a warning', () => {
    expect(backend.errors).toEqual([]);
    expect(strict.errors).toEqual([]);
  });

  it('accepts the embedded defaults and the production config, strictly', async () => {
    expect(problemsOf(strict.schema, defaults)).toEqual([]);
    expect(
      problemsOf(
        strict.schema,
        await readAppConfigs(
          ['app-config.yaml', 'app-config.production.yaml'],
          PRODUCTION_ENV,
        ),
      ),
    ).toEqual([]);
  });

  it('rejects a misspelt docuchat.billing key', () => {
    expect(problemsOf(strict.schema, withBilling({ enabled: true }))).toEqual(
      [],
    );
    expect(problemsOf(strict.schema, withBilling({ enabeld: true }))).toEqual([
      expect.stringMatching(
        /must NOT have additional properties.*additionalProperty=enabeld.* at \/docuchat\/billing$/,
      ),
    ]);
    expect(
      problemsOf(strict.schema, withBilling({ zibal: { merchent: 'm' } })),
    ).toEqual([
      expect.stringMatching(
        /additionalProperty=merchent.* at \/docuchat\/billing\/zibal$/,
      ),
    ]);
  });

  it('rejects a mistyped docuchat.billing key, strict or not', () => {
    for (const { schema } of [backend, strict]) {
      expect(problemsOf(schema, withBilling({ enabled: 'yes' }))).toEqual([
        expect.stringMatching(
          /must be boolean .* at \/docuchat\/billing\/enabled$/,
        ),
      ]);
      expect(
        problemsOf(schema, withBilling({ linkTtlDays: 'a week' })),
      ).toEqual([
        expect.stringMatching(
          /must be number .* at \/docuchat\/billing\/linkTtlDays$/,
        ),
      ]);
    }
  });

  it('keeps the secrets out of config:print', async () => {
    const configs = await readAppConfigs(
      ['app-config.yaml', 'app-config.production.yaml'],
      PRODUCTION_ENV,
    );
    // What `backstage-cli config:print` prints (backend visibility).
    const printed = backend.schema.process(configs, {
      valueTransform: (value, context) =>
        context.visibility === 'secret' ? '<secret>' : value,
    });
    const text = JSON.stringify(printed);
    for (const secret of [
      PRODUCTION_ENV.OPENAI_API_KEY,
      PRODUCTION_ENV.DOCUCHAT_ZIBAL_MERCHANT,
      PRODUCTION_ENV.DOCUCHAT_SMTP_PASSWORD,
      PRODUCTION_ENV.DOCUCHAT_METRICS_TOKEN,
    ]) {
      expect(text).not.toContain(secret);
    }
    // The same values, seen through the same redaction, where they live.
    const docuchat = ConfigReader.fromConfigs(printed).get<any>('docuchat');
    expect(docuchat.openai.apiKey).toBe('<secret>');
    expect(docuchat.billing.zibal.merchant).toBe('<secret>');
    expect(docuchat.billing.email.smtp.password).toBe('<secret>');
    // Not everything is hidden: the gateway's address is no secret.
    expect(docuchat.billing.zibal.baseUrl).toBe('https://gateway.zibal.ir');
  });
});
