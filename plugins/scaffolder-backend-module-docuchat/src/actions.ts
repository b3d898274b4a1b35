import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import { createBillingRunAction } from './actions/billingRun';
import { createDbBackupAction } from './actions/dbBackup';
import { createDbRestoreAction } from './actions/dbRestore';
import { createGpuScaleAction } from './actions/gpuScale';
import { createRolloutRestartAction } from './actions/rolloutRestart';
import { createSecretsRotateAction } from './actions/secretsRotate';
import { createTenantCreateAction } from './actions/tenantCreate';
import { DocuchatApi } from './docuchat/DocuchatApi';
import { KubernetesClusters } from './kubernetes/KubernetesClusters';

/** Every `docuchat:*` action. */
export function createTemplateActions(options: {
  config: Config;
  auth: AuthService;
  discovery: DiscoveryService;
  /** How often Kubernetes waits look again; 2 s unless a test says less. */
  pollIntervalMs?: number;
}): TemplateAction<any, any, any>[] {
  const api = new DocuchatApi(options.discovery, options.auth);
  const runbooks = {
    clusters: KubernetesClusters.fromConfig(options.config),
    pollIntervalMs: options.pollIntervalMs ?? 2000,
  };
  return [
    createTenantCreateAction(api),
    createBillingRunAction(api),
    createSecretsRotateAction(runbooks),
    createRolloutRestartAction(runbooks),
    createGpuScaleAction(runbooks),
    createDbBackupAction(runbooks),
    createDbRestoreAction(runbooks),
  ];
}
