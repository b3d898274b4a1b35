import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  backupClaimName,
  backupFileName,
  backupStamp,
  oneShotJob,
  runJob,
} from '../kubernetes/jobs';
import { kubeCall } from '../kubernetes/kubeCall';
import { examples } from './dbBackup.examples';
import {
  databaseInput,
  databaseTarget,
  RunbookDeps,
  targetInput,
  timeoutInput,
  waitOptions,
} from './runbookInputs';

/**
 * `docuchat:db:backup`: a Job runs `pg_dump` onto the chart's backup volume,
 * under the name the chart's backup CronJob uses.
 */
export function createDbBackupAction(deps: RunbookDeps) {
  return createTemplateAction({
    id: 'docuchat:db:backup',
    description:
      "Backs up the environment's database: a Kubernetes Job runs pg_dump (custom format) onto the backup volume <release>-backups as docuchat-<UTC yyyymmddThhmmssZ>.dump, and the action waits for it.",
    examples,
    supportsDryRun: true,
    schema: {
      input: { ...targetInput, ...databaseInput, ...timeoutInput },
      output: {
        backup: z => z.string().describe('File name on the backup volume'),
        job: z => z.string(),
      },
    },
    async handler(ctx) {
      const target = databaseTarget(ctx.input);
      const apis = deps.clusters.apis(ctx.input.cluster);
      const now = new Date();
      const backup = backupFileName(now);
      const job = oneShotJob({
        name: `${target.release}-backup-${backupStamp(now).toLowerCase()}`,
        target,
        mountBackups: true,
        script: `pg_dump --format=custom --file="/backups/${backup}.partial" && mv "/backups/${backup}.partial" "/backups/${backup}"`,
      });
      const claim = backupClaimName(target.release);
      await kubeCall(
        `read persistent volume claim ${target.namespace}/${claim}`,
        () =>
          apis.core.readNamespacedPersistentVolumeClaim({
            namespace: target.namespace,
            name: claim,
          }),
      );
      ctx.output('backup', backup);
      ctx.output('job', job.metadata!.name!);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would create job ${target.namespace}/${
            job.metadata!.name
          } running pg_dump of ${target.database}@${
            target.host
          } to ${claim}:/${backup}`,
        );
        return;
      }
      await runJob(
        apis,
        job,
        waitOptions(deps, ctx.input.timeoutSeconds, ctx.signal),
      );
      ctx.logger.info(`Backed up ${target.database} to ${claim}:/${backup}`);
    },
  });
}
