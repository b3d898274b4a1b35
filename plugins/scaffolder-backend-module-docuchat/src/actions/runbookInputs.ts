import { TemplateActionOptions } from '@backstage/plugin-scaffolder-node';
import { KubernetesClusters } from '../kubernetes/KubernetesClusters';
import { WaitOptions } from '../kubernetes/waitUntil';

/**
 * The zod the scaffolder hands to schema callbacks (its own copy, so the
 * fragments below must be typed with it, not with our `zod`).
 */
type Zod = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];

// Declared types: the inferred ones would name the scaffolder's private zod.
type ZString = ReturnType<Zod['string']>;
type ZOptionalString = ReturnType<ZString['optional']>;
type ZDefaultString = ReturnType<ZString['default']>;
type ZDefaultNumber = ReturnType<ReturnType<Zod['number']>['default']>;
type Fields<T> = { [K in keyof T]: (zod: Zod) => T[K] };

/** What every Kubernetes runbook action needs from the module. */
export interface RunbookDeps {
  clusters: KubernetesClusters;
  /** How often waits look at the cluster (tests shorten it). */
  pollIntervalMs: number;
}

/** Where a runbook acts: the environment entity's annotations. */
export const targetInput: Fields<{
  cluster: ZString;
  namespace: ZString;
  release: ZDefaultString;
}> = {
  cluster: (zod: Zod) =>
    zod
      .string()
      .min(1)
      .describe(
        "Cluster name in the kubernetes config (the environment's backstage.io/kubernetes-cluster annotation)",
      ),
  namespace: (zod: Zod) =>
    zod
      .string()
      .min(1)
      .describe(
        "Namespace (the environment's backstage.io/kubernetes-namespace annotation)",
      ),
  release: (zod: Zod) =>
    zod
      .string()
      .min(1)
      .default('docuchat')
      .describe('Helm release name of the DocuChat chart'),
};

export const timeoutInput: Fields<{ timeoutSeconds: ZDefaultNumber }> = {
  timeoutSeconds: (zod: Zod) =>
    zod
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(600)
      .describe('How long to wait for Kubernetes before failing'),
};

/** Where the database Jobs find PostgreSQL and which client image they run. */
export const databaseInput: Fields<{
  databaseHost: ZOptionalString;
  databaseUser: ZDefaultString;
  databaseName: ZDefaultString;
  postgresImage: ZDefaultString;
}> = {
  databaseHost: (zod: Zod) =>
    zod
      .string()
      .optional()
      .describe('PostgreSQL host; defaults to <release>-postgresql'),
  databaseUser: (zod: Zod) =>
    zod.string().default('docuchat').describe('PostgreSQL user'),
  databaseName: (zod: Zod) =>
    zod.string().default('docuchat').describe('PostgreSQL database'),
  postgresImage: (zod: Zod) =>
    zod
      .string()
      .default('postgres:17')
      .describe('Image with psql, pg_dump and pg_restore'),
};

export function waitOptions(
  deps: RunbookDeps,
  timeoutSeconds: number | undefined,
  signal?: AbortSignal,
): WaitOptions {
  return {
    timeoutMs: (timeoutSeconds ?? 600) * 1000,
    intervalMs: deps.pollIntervalMs,
    signal,
  };
}

/**
 * The Helm release. Zod defaults only document: the scaffolder validates
 * input against the JSON schema and does not fill them in.
 */
export function releaseOf(input: { release?: string }) {
  return input.release ?? 'docuchat';
}

export function databaseTarget(input: {
  namespace: string;
  release?: string;
  databaseHost?: string;
  databaseUser?: string;
  databaseName?: string;
  postgresImage?: string;
}) {
  const release = releaseOf(input);
  return {
    namespace: input.namespace,
    release,
    host: input.databaseHost ?? `${release}-postgresql`,
    user: input.databaseUser ?? 'docuchat',
    database: input.databaseName ?? 'docuchat',
    image: input.postgresImage ?? 'postgres:17',
  };
}
