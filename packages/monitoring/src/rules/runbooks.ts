/**
 * The Persian runbooks under docs/fa/runbooks/ that alerts link to. The
 * link check makes sure every file named here exists.
 */
export const RUNBOOKS = {
  availability: 'availability.md',
  latency: 'latency.md',
  gpuScaling: 'gpu-scaling.md',
  openAiOutage: 'openai-outage.md',
  podHealth: 'pod-health.md',
  resourceSaturation: 'resource-saturation.md',
  tenantTokenUsage: 'tenant-token-usage.md',
  billingRerun: 'billing-rerun.md',
  zibalOutage: 'zibal-outage.md',
  databaseRecovery: 'database-recovery.md',
  ingestionFailing: 'ingestion-failing.md',
} as const;

export type Runbook = keyof typeof RUNBOOKS;

/** The repository folder of the runbooks, relative to its root. */
export const RUNBOOKS_DIR = 'docs/fa/runbooks';
