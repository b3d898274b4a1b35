import { V1EnvVar, V1Job } from '@kubernetes/client-node';
import { KubernetesApis } from './KubernetesClusters';
import { kubeCall } from './kubeCall';
import { waitUntil, WaitOptions } from './waitUntil';

/** Where a database Job finds PostgreSQL (the chart's names by default). */
export interface DatabaseTarget {
  namespace: string;
  release: string;
  host: string;
  user: string;
  database: string;
  image: string;
}

/** The chart's Secret and key holding the database password. */
export const passwordSecretName = (release: string) => `${release}-secrets`;
export const PASSWORD_KEY = 'postgres-password';
/** The chart's backup volume, shared with its backup CronJob. */
export const backupClaimName = (release: string) => `${release}-backups`;

/** libpq's environment, the password read from the chart's Secret. */
export function databaseEnv(target: DatabaseTarget): V1EnvVar[] {
  return [
    { name: 'PGHOST', value: target.host },
    { name: 'PGUSER', value: target.user },
    { name: 'PGDATABASE', value: target.database },
    {
      name: 'PGPASSWORD',
      valueFrom: {
        secretKeyRef: {
          name: passwordSecretName(target.release),
          key: PASSWORD_KEY,
        },
      },
    },
  ];
}

/**
 * A one-shot Job (no retries: a half-done restore must not run twice),
 * removed by Kubernetes a day after it ends.
 */
export function oneShotJob(options: {
  name: string;
  target: DatabaseTarget;
  script: string;
  env?: V1EnvVar[];
  mountBackups?: boolean;
}): V1Job {
  const { name, target } = options;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: target.namespace,
      labels: {
        'app.kubernetes.io/instance': target.release,
        'app.kubernetes.io/managed-by': 'docuchat-runbooks',
      },
    },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86400,
      template: {
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'runbook',
              image: target.image,
              command: ['/bin/sh', '-ec', options.script],
              env: [...databaseEnv(target), ...(options.env ?? [])],
              ...(options.mountBackups && {
                volumeMounts: [{ name: 'backups', mountPath: '/backups' }],
              }),
            },
          ],
          ...(options.mountBackups && {
            volumes: [
              {
                name: 'backups',
                persistentVolumeClaim: {
                  claimName: backupClaimName(target.release),
                },
              },
            ],
          }),
        },
      },
    },
  };
}

/** Creates the Job and waits until it succeeds; throws if it fails. */
export async function runJob(
  apis: KubernetesApis,
  job: V1Job,
  wait: WaitOptions,
): Promise<void> {
  const namespace = job.metadata!.namespace!;
  const name = job.metadata!.name!;
  await kubeCall(`create job ${namespace}/${name}`, () =>
    apis.batch.createNamespacedJob({ namespace, body: job }),
  );
  await waitUntil(
    `job ${namespace}/${name}`,
    async () => {
      const current = await kubeCall(`read job ${namespace}/${name}`, () =>
        apis.batch.readNamespacedJob({ namespace, name }),
      );
      const conditions = current.status?.conditions ?? [];
      const failed = conditions.find(
        c => c.type === 'Failed' && c.status === 'True',
      );
      if (failed) {
        throw new Error(
          `Job ${namespace}/${name} failed: ${failed.reason ?? ''} ${
            failed.message ?? ''
          }`.trim(),
        );
      }
      const complete = conditions.some(
        c => c.type === 'Complete' && c.status === 'True',
      );
      return {
        done: complete ? true : undefined,
        state: `${current.status?.active ?? 0} active, ${
          current.status?.succeeded ?? 0
        } succeeded`,
      };
    },
    wait,
  );
}

/** UTC `yyyymmddThhmmssZ`, as in the chart's backup file names. */
export function backupStamp(now: Date) {
  return now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** `docuchat-<UTC yyyymmddThhmmssZ>.dump`, like the chart's CronJob. */
export const backupFileName = (now: Date) =>
  `docuchat-${backupStamp(now)}.dump`;
export const BACKUP_FILE_PATTERN = /^docuchat-\d{8}T\d{6}Z\.dump$/;
