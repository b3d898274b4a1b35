/**
 * The configuration of one backend process: app-config.production.yaml's
 * shape (PostgreSQL, Redis, OpenAI, Zibal, SMTP, a metrics token) pointed
 * at the soak's own servers, with the short leases, polls and timeouts a
 * ten-minute run needs to see every mechanism work more than once.
 */
export interface BackendConfigInput {
  /** The load balancer: what clients and Zibal's callback use. */
  publicUrl: string;
  port: number;
  postgresUrl: string;
  redisUrl: string;
  openAiBaseUrl: string;
  zibalUrl: string;
  smtp: { host: string; port: number };
  metricsToken: string;
  /** The first billing day the scheduled run would bill. */
  billingStartDate: string;
  timeZone: string;
}

/** The settings the invariants depend on. */
export const SOAK_SETTINGS = {
  /** docuchat.usage.abandonedCallSeconds: longer than any call can run. */
  abandonedCallSeconds: 45,
  sweepSeconds: 5,
  leaseSeconds: 10,
  pollSeconds: 2,
  graceSeconds: 5,
  firstTokenTimeoutMs: 4_000,
  chatTimeoutMs: 20_000,
  embeddingsTimeoutMs: 4_000,
  maxUploadMegabytes: 1,
};

export const OPERATORS_GROUP = 'group:default/platform';
export const CHAT_MODELS = ['gpt-4o-mini', 'gpt-4.1-mini'];
export const EMBEDDING_MODEL = 'text-embedding-3-small';
export const EMBEDDING_DIMENSIONS = 64;

export function backendConfig(input: BackendConfigInput) {
  const s = SOAK_SETTINGS;
  return {
    app: { baseUrl: input.publicUrl },
    backend: {
      baseUrl: input.publicUrl,
      listen: { port: input.port, host: '127.0.0.1' },
      database: { client: 'pg', connection: input.postgresUrl },
      cache: { store: 'redis', connection: input.redisUrl },
    },
    auth: {
      providers: {
        // The load's users sign in as the guest, a member of the
        // operators group that owns every tenant.
        guest: {
          userEntityRef: 'user:default/guest',
          ownershipEntityRefs: ['user:default/guest', OPERATORS_GROUP],
          dangerouslyAllowOutsideDevelopment: true,
        },
      },
    },
    permission: { enabled: true },
    catalog: { locations: [] },
    techdocs: {
      builder: 'local',
      generator: { runIn: 'local' },
      publisher: { type: 'local' },
    },
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [{ type: 'config', clusters: [] }],
    },
    docuchat: {
      permissions: { operatorsGroup: OPERATORS_GROUP },
      serviceAccess: [
        { subject: 'plugin:catalog', permissions: ['docuchat.tenant.read'] },
      ],
      metrics: { public: false, bearerToken: input.metricsToken },
      openai: { apiKey: 'soak-openai-key', baseURL: input.openAiBaseUrl },
      embeddings: {
        provider: 'openai',
        model: EMBEDDING_MODEL,
        dimensions: EMBEDDING_DIMENSIONS,
        timeoutMs: s.embeddingsTimeoutMs,
        maxRetries: 3,
      },
      chat: {
        models: CHAT_MODELS.map(model => ({
          model,
          firstTokenTimeoutMs: s.firstTokenTimeoutMs,
          timeoutMs: s.chatTimeoutMs,
        })),
      },
      // The load asks more than a person would.
      limits: { asksPerTenantPerMinute: 0 },
      ingestion: {
        maxUploadMegabytes: s.maxUploadMegabytes,
        chunkTokens: 150,
        overlapTokens: 20,
        leaseSeconds: s.leaseSeconds,
        pollSeconds: s.pollSeconds,
      },
      usage: {
        abandonedCallSeconds: s.abandonedCallSeconds,
        sweepSeconds: s.sweepSeconds,
      },
      shutdown: { graceSeconds: s.graceSeconds },
      billing: {
        timezone: input.timeZone,
        settleDelayMinutes: 1,
        startDate: input.billingStartDate,
        zibal: { baseUrl: input.zibalUrl, merchant: 'zibal', timeoutMs: 3000 },
        email: {
          from: 'DocuChat <billing@soak.invalid>',
          smtp: { host: input.smtp.host, port: input.smtp.port, secure: false },
        },
      },
      demo: { enabled: false },
    },
  };
}
