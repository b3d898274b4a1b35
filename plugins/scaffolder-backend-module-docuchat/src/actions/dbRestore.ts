import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  readDeployment,
  scaleDeployment,
  waitForRollout,
} from '../kubernetes/deployments';
import {
  BACKUP_FILE_PATTERN,
  backupClaimName,
  backupStamp,
  oneShotJob,
  runJob,
} from '../kubernetes/jobs';
import { kubeCall } from '../kubernetes/kubeCall';
import { examples } from './dbRestore.examples';
import {
  databaseInput,
  databaseTarget,
  RunbookDeps,
  targetInput,
  timeoutInput,
  waitOptions,
} from './runbookInputs';

/**
 * `docuchat:db:restore`: scales the portal to zero, runs `pg_restore` of a
 * backup in a Job, and scales the portal back to what it was.
 */
export function createDbRestoreAction(deps: RunbookDeps) {
  return createTemplateAction({
    id: 'docuchat:db:restore',
    description:
      "Restores the environment's database from a backup on <release>-backups (pg_restore --clean in a Kubernetes Job). The portal (<release>-portal) is scaled to zero while it runs and back afterwards. Requires confirm: true.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...targetInput,
        backup: z =>
          z
            .string()
            .regex(
              BACKUP_FILE_PATTERN,
              'must be docuchat-<yyyymmddThhmmssZ>.dump',
            )
            .describe('Backup file name on the backup volume'),
        confirm: z =>
          z
            .boolean()
            .describe(
              'Must be true: the restore replaces every row of the database',
            ),
        ...databaseInput,
        ...timeoutInput,
      },
      output: {
        backup: z => z.string(),
        job: z => z.string(),
        portalReplicas: z =>
          z.number().describe('Replicas the portal was scaled back to'),
      },
    },
    async handler(ctx) {
      if (ctx.input.confirm !== true) {
        throw new InputError(
          `Restoring ${ctx.input.backup} replaces the whole database: set confirm to true`,
        );
      }
      const target = databaseTarget(ctx.input);
      const apis = deps.clusters.apis(ctx.input.cluster);
      const portal = {
        namespace: target.namespace,
        name: `${target.release}-portal`,
      };
      const wait = waitOptions(deps, ctx.input.timeoutSeconds, ctx.signal);
      const claim = backupClaimName(target.release);
      const job = oneShotJob({
        name: `${target.release}-restore-${backupStamp(
          new Date(),
        ).toLowerCase()}`,
        target,
        mountBackups: true,
        script: `test -f "/backups/${ctx.input.backup}" && pg_restore --clean --if-exists --no-owner --exit-on-error --dbname="$PGDATABASE" "/backups/${ctx.input.backup}"`,
      });
      // Read once and remembered across a task restart, so a re-run never
      // takes the zero it scaled to for the portal's size.
      const replicas = await ctx.checkpoint({
        key: 'portal-replicas',
        fn: async () =>
          (await readDeployment(apis, portal)).spec?.replicas ?? 1,
      });
      await kubeCall(
        `read persistent volume claim ${target.namespace}/${claim}`,
        () =>
          apis.core.readNamespacedPersistentVolumeClaim({
            namespace: target.namespace,
            name: claim,
          }),
      );
      ctx.output('backup', ctx.input.backup);
      ctx.output('job', job.metadata!.name!);
      ctx.output('portalReplicas', replicas);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would scale deployment ${portal.namespace}/${
            portal.name
          } from ${replicas} to 0, run job ${
            job.metadata!.name
          } (pg_restore --clean of ${claim}:/${ctx.input.backup} into ${
            target.database
          }@${target.host}), then scale it back to ${replicas}`,
        );
        return;
      }

      await scaleDeployment(apis, portal, 0);
      await waitForRollout(apis, portal, wait);
      ctx.logger.info(`Portal scaled to 0; restoring ${ctx.input.backup}`);
      try {
        await runJob(apis, job, wait);
        ctx.logger.info(`Restored ${ctx.input.backup}`);
      } finally {
        // Also after a failed restore: operators decide with the portal up
        // (its health checks show the database state) rather than down.
        await scaleDeployment(apis, portal, replicas);
        ctx.logger.info(`Portal scaled back to ${replicas}`);
      }
      await waitForRollout(apis, portal, wait);
    },
  });
}
