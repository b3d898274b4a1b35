import { randomBytes } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  mergePatch,
  readDeployment,
  restartDeployment,
  waitForRollout,
} from '../kubernetes/deployments';
import {
  backupStamp,
  oneShotJob,
  PASSWORD_KEY,
  passwordSecretName,
  runJob,
} from '../kubernetes/jobs';
import { kubeCall } from '../kubernetes/kubeCall';
import { examples } from './secretsRotate.examples';
import {
  databaseInput,
  databaseTarget,
  RunbookDeps,
  targetInput,
  timeoutInput,
  waitOptions,
} from './runbookInputs';

/** Changes the role's password; the new one comes from a Secret, not argv. */
const ALTER_PASSWORD_SCRIPT = `psql -v ON_ERROR_STOP=1 -v new_password="$NEW_PASSWORD" <<'SQL'
ALTER ROLE CURRENT_USER WITH PASSWORD :'new_password';
SQL`;

/**
 * `docuchat:secrets:rotate`: new values for keys of a Secret (random, or a
 * template secret), the database password changed in PostgreSQL first,
 * then a restart of the deployment that reads them. Values are never
 * logged or output.
 */
export function createSecretsRotateAction(deps: RunbookDeps) {
  return createTemplateAction({
    id: 'docuchat:secrets:rotate',
    description:
      'Replaces keys of a Kubernetes Secret (default <release>-secrets) with new random values or values given as template secrets, never logged. For postgres-password the password is first changed in PostgreSQL by a Job. Then the deployment (default <release>-portal) is restarted and the action waits for its rollout.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...targetInput,
        secretName: z =>
          z
            .string()
            .optional()
            .describe('Secret to change; defaults to <release>-secrets'),
        keys: z =>
          z
            .array(z.string().min(1))
            .min(1)
            .describe('Keys of the Secret to replace'),
        fromSecrets: z =>
          z
            .record(z.string())
            .optional()
            .describe(
              'Key → name of the template secret holding its new value; keys not named here get a random value (32 bytes, base64url)',
            ),
        deployment: z =>
          z
            .string()
            .optional()
            .describe('Deployment to restart; defaults to <release>-portal'),
        ...databaseInput,
        ...timeoutInput,
      },
      output: {
        secret: z => z.string(),
        rotatedKeys: z => z.array(z.string()),
        deployment: z => z.string(),
      },
    },
    async handler(ctx) {
      const target = databaseTarget(ctx.input);
      const { namespace, release } = target;
      const secretName = ctx.input.secretName ?? passwordSecretName(release);
      const deployment = ctx.input.deployment ?? `${release}-portal`;
      const apis = deps.clusters.apis(ctx.input.cluster);
      const wait = waitOptions(deps, ctx.input.timeoutSeconds, ctx.signal);
      const keys = ctx.input.keys;
      if (new Set(keys).size !== keys.length) {
        throw new InputError(`A key is listed twice: ${keys.join(', ')}`);
      }

      const secret = await kubeCall(
        `read secret ${namespace}/${secretName}`,
        () => apis.core.readNamespacedSecret({ namespace, name: secretName }),
      );
      const missing = keys.filter(key => !(key in (secret.data ?? {})));
      if (missing.length) {
        throw new InputError(
          `Secret ${namespace}/${secretName} has no key ${missing.join(', ')}`,
        );
      }
      await readDeployment(apis, { namespace, name: deployment });
      const changesDatabase =
        secretName === passwordSecretName(release) &&
        keys.includes(PASSWORD_KEY);
      ctx.output('secret', secretName);
      ctx.output('rotatedKeys', keys);
      ctx.output('deployment', deployment);

      if (ctx.isDryRun) {
        ctx.logger.info(
          [
            `Dry run: would replace ${keys.join(
              ', ',
            )} in secret ${namespace}/${secretName}`,
            changesDatabase &&
              `change the password of ${target.user} in PostgreSQL (${target.host}) first, through a job`,
            `restart deployment ${namespace}/${deployment} and wait for its rollout`,
          ]
            .filter(Boolean)
            .join('; '),
        );
        return;
      }

      const values = new Map<string, string>();
      for (const key of keys) {
        const fromSecret = ctx.input.fromSecrets?.[key];
        if (fromSecret === undefined) {
          values.set(key, randomBytes(32).toString('base64url'));
          continue;
        }
        const value = ctx.secrets?.[fromSecret];
        if (!value) {
          throw new InputError(
            `Template secret "${fromSecret}" (for key ${key}) is not set`,
          );
        }
        values.set(key, value);
      }

      if (changesDatabase) {
        await changeDatabasePassword(values.get(PASSWORD_KEY)!, async job =>
          runJob(apis, job, wait),
        );
      }
      await kubeCall(`update secret ${namespace}/${secretName}`, () =>
        apis.core.patchNamespacedSecret(
          {
            namespace,
            name: secretName,
            body: {
              data: Object.fromEntries(
                [...values].map(([key, value]) => [
                  key,
                  Buffer.from(value, 'utf8').toString('base64'),
                ]),
              ),
            },
          },
          mergePatch,
        ),
      );
      ctx.logger.info(`Replaced ${keys.join(', ')} in ${secretName}`);
      const ref = { namespace, name: deployment };
      await restartDeployment(apis, ref, new Date().toISOString());
      await waitForRollout(apis, ref, wait);
      ctx.logger.info(`Deployment ${namespace}/${deployment} is rolled out`);

      // The new password reaches the Job through a short-lived Secret, so
      // it appears in no Job spec, log or event.
      async function changeDatabasePassword(
        password: string,
        run: (job: ReturnType<typeof oneShotJob>) => Promise<void>,
      ) {
        const name = `${release}-rotate-${backupStamp(
          new Date(),
        ).toLowerCase()}`;
        await kubeCall(`create secret ${namespace}/${name}`, () =>
          apis.core.createNamespacedSecret({
            namespace,
            body: {
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name, namespace },
              type: 'Opaque',
              data: {
                'new-password': Buffer.from(password, 'utf8').toString(
                  'base64',
                ),
              },
            },
          }),
        );
        try {
          await run(
            oneShotJob({
              name,
              target,
              script: ALTER_PASSWORD_SCRIPT,
              env: [
                {
                  name: 'NEW_PASSWORD',
                  valueFrom: { secretKeyRef: { name, key: 'new-password' } },
                },
              ],
            }),
          );
          ctx.logger.info(
            `Changed the password of ${target.user} in PostgreSQL`,
          );
        } finally {
          await kubeCall(`delete secret ${namespace}/${name}`, () =>
            apis.core.deleteNamespacedSecret({ namespace, name }),
          );
        }
      }
    },
  });
}
