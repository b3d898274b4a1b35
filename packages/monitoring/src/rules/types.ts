/** How urgent an alert is (monitoring-mixin convention). */
export type Severity = 'critical' | 'warning' | 'info';

/** A Prometheus alerting rule, as it appears in a rule file. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: {
    summary: string;
    description: string;
    runbook_url: string;
  };
}

/** A Prometheus recording rule, as it appears in a rule file. */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  name: string;
  rules: Rule[];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}
