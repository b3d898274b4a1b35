/**
 * What the generated rules and dashboards depend on, in one place. The
 * defaults are what the repository commits; `yarn monitoring:generate`
 * reads the environment variables named below to render for another place.
 */
export interface MonitoringSettings {
  /**
   * Where `runbook_url` points: each alert's runbook file name is appended.
   * Env `DOCUCHAT_RUNBOOK_BASE_URL`.
   */
  runbookBaseUrl: string;
  /** Label matchers of the DocuChat backend's own series (its scrape job). */
  backendSelector: string;
  /** Label matchers of the Kubernetes exporters' series about DocuChat pods. */
  kubernetesSelector: string;
  /** Tokens of billing drift (ledger − Prometheus) per tenant worth a ticket. */
  billingDriftTokens: number;
  /** Price shown on the token dashboard, Tomans per 1,000 tokens (the seed price). */
  tomansPer1kTokens: number;
  /**
   * Event-loop lag (p99, seconds) worth a ticket: the issue 23 target for
   * the health route's p99 while hostile documents are parsed.
   */
  eventLoopLagSeconds: number;
  /** Documents failed for one reason in 30 minutes worth a ticket. */
  ingestionFailures: number;
}

/** The repository's Persian runbooks on GitHub (its default branch). */
export const DEFAULT_RUNBOOK_BASE_URL =
  'https://github.com/docuchat/docuchat-portal/blob/main/docs/fa/runbooks/';

export const DEFAULT_SETTINGS: MonitoringSettings = {
  runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
  // The chart's ServiceMonitor and the local prometheus.yml name their job
  // after the release, which contains "docuchat".
  backendSelector: 'job=~".*docuchat.*"',
  // deploy.yml installs each environment into namespace docuchat-<environment>.
  kubernetesSelector: 'namespace=~"docuchat-.*"',
  billingDriftTokens: 1000,
  tomansPer1kTokens: 20,
  eventLoopLagSeconds: 0.2,
  ingestionFailures: 3,
};

/** The defaults, with `DOCUCHAT_RUNBOOK_BASE_URL` applied when set. */
export function settingsFromEnv(
  env: Record<string, string | undefined> = process.env,
): MonitoringSettings {
  const runbookBaseUrl = env.DOCUCHAT_RUNBOOK_BASE_URL;
  if (runbookBaseUrl === undefined) return DEFAULT_SETTINGS;
  if (!/^https?:\/\/\S+\/$/.test(runbookBaseUrl)) {
    throw new Error(
      `DOCUCHAT_RUNBOOK_BASE_URL must be an http(s) URL ending in "/", got "${runbookBaseUrl}"`,
    );
  }
  return { ...DEFAULT_SETTINGS, runbookBaseUrl };
}
