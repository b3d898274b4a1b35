import { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { isAlertingRule, RuleGroup } from '../rules/types';

/** A PromQL expression and where it comes from, for failure messages. */
export interface SourcedExpression {
  source: string;
  expr: string;
}

/** Every expression of the rule groups. */
export function ruleExpressions(groups: RuleGroup[]): SourcedExpression[] {
  return groups.flatMap(group =>
    group.rules.map(rule => ({
      source: `${group.name}/${
        isAlertingRule(rule) ? rule.alert : rule.record
      }`,
      expr: rule.expr,
    })),
  );
}

/**
 * Grafana's variables, replaced the way Grafana does before it sends a
 * query (multi-value `$tenant` with "All" becomes its all-value `.*`).
 */
const GRAFANA_VARIABLES: Record<string, string> = {
  $__rate_interval: '1m',
  $__range: '1h',
  $tenant: '.*',
};

/**
 * Every expression of a dashboard, its variables replaced, including the
 * selector inside a `label_values(selector, label)` variable query.
 */
export function dashboardExpressions(
  dashboard: Dashboard,
): SourcedExpression[] {
  const substitute = (expr: string) =>
    Object.entries(GRAFANA_VARIABLES).reduce(
      (text, [name, value]) => text.split(name).join(value),
      expr,
    );
  const panels = (dashboard.panels ?? []).flatMap(panel =>
    ((panel as any).targets ?? []).map((target: any) => ({
      source: `${dashboard.uid}/${(panel as any).title}`,
      expr: substitute(target.expr),
    })),
  );
  const variables = (dashboard.templating?.list ?? [])
    .filter(v => v.type === 'query')
    .map(v => {
      const match = /^label_values\((.*), *\w+\)$/.exec(String(v.query));
      if (!match) throw new Error(`Unexpected variable query ${v.query}`);
      return { source: `${dashboard.uid}/$${v.name}`, expr: match[1] };
    });
  return [...panels, ...variables];
}

const NOT_METRICS = new Set([
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'inf',
  'nan',
]);

/**
 * The metric names an expression selects. A small scanner, enough for the
 * expressions this package writes (Prometheus itself checks that they
 * parse): label matchers, strings, ranges and grouping clauses go first,
 * then every identifier that is not a function call or a keyword is a name.
 */
export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(
      /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g,
      ' ',
    );
  const names = new Set<string>();
  for (const [, name, call] of bare.matchAll(
    /(?<![\w.])([a-zA-Z_:][\w:]*)\s*(\()?/g,
  )) {
    if (call || NOT_METRICS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}
