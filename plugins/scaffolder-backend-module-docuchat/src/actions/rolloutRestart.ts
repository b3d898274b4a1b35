import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  readDeployment,
  restartDeployment,
  waitForRollout,
} from '../kubernetes/deployments';
import { examples } from './rolloutRestart.examples';
import {
  releaseOf,
  RunbookDeps,
  targetInput,
  timeoutInput,
  waitOptions,
} from './runbookInputs';

/** `docuchat:rollout:restart`: kubectl rollout restart, then rollout status. */
export function createRolloutRestartAction(deps: RunbookDeps) {
  return createTemplateAction({
    id: 'docuchat:rollout:restart',
    description:
      'Restarts a DocuChat deployment (new pods with the current config and secrets) and waits until the rollout is complete.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...targetInput,
        deployment: z =>
          z
            .string()
            .optional()
            .describe('Deployment to restart; defaults to <release>-portal'),
        ...timeoutInput,
      },
      output: {
        deployment: z => z.string(),
        restartedAt: z => z.string().optional(),
      },
    },
    async handler(ctx) {
      const { cluster, namespace } = ctx.input;
      const name = ctx.input.deployment ?? `${releaseOf(ctx.input)}-portal`;
      const apis = deps.clusters.apis(cluster);
      const ref = { namespace, name };
      ctx.output('deployment', name);
      if (ctx.isDryRun) {
        await readDeployment(apis, ref);
        ctx.logger.info(
          `Dry run: would restart deployment ${namespace}/${name} on cluster ${cluster} and wait up to ${
            ctx.input.timeoutSeconds ?? 600
          } s for its rollout`,
        );
        return;
      }
      const restartedAt = new Date().toISOString();
      await restartDeployment(apis, ref, restartedAt);
      ctx.logger.info(`Restarted deployment ${namespace}/${name}; waiting`);
      await waitForRollout(
        apis,
        ref,
        waitOptions(deps, ctx.input.timeoutSeconds, ctx.signal),
      );
      ctx.logger.info(`Deployment ${namespace}/${name} is rolled out`);
      ctx.output('restartedAt', restartedAt);
    },
  });
}
