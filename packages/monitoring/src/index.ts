/**
 * DocuChat's Prometheus rules and Grafana dashboards as code.
 *
 * @packageDocumentation
 */
export { generatedFiles } from './generate';
export { docuchatRuleGroups } from './rules/alerts';
export { backendOverviewDashboard } from './dashboards/backendOverview';
export { tokenUsageDashboard } from './dashboards/tokenUsage';
export {
  DEFAULT_SETTINGS,
  settingsFromEnv,
  type MonitoringSettings,
} from './settings';
export { REPOSITORY_ROOT } from './repositoryRoot';
