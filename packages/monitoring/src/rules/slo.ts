import { AlertingRule, RecordingRule, RuleGroup, Severity } from './types';

/** The windows Sloth records an SLI's error ratio over. */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SliWindow = (typeof SLI_WINDOWS)[number];

/**
 * The multiwindow, multi-burn-rate alerts of the SRE workbook (chapter 5,
 * table 5-8) for a 30-day SLO: a page when 2 % of the budget burns in an
 * hour (14.4×) or 5 % in six hours (6×), a ticket when 10 % burns in a day
 * (3×) or in three days (1×). Each long window has a short one (1/12 of it)
 * so that the alert stops soon after the burn does.
 */
const BURN_RATE_ALERTS: Array<{
  severity: Severity;
  for: string;
  windows: Array<{ factor: number; long: SliWindow; short: SliWindow }>;
}> = [
  {
    severity: 'critical',
    for: '2m',
    windows: [
      { factor: 14.4, long: '1h', short: '5m' },
      { factor: 6, long: '6h', short: '30m' },
    ],
  },
  {
    severity: 'warning',
    for: '15m',
    windows: [
      { factor: 3, long: '1d', short: '2h' },
      { factor: 1, long: '3d', short: '6h' },
    ],
  },
];

export interface Slo {
  /** Sloth's `sloth_slo`, e.g. `requests-availability`. */
  name: string;
  /** Sloth's `sloth_service`. */
  service: string;
  /** The objective as a ratio, e.g. 0.995. */
  objective: number;
  /** PromQL for the ratio of bad events to all events over `window`. */
  errorRatio(window: SliWindow): string;
  /** The alert's name, CamelCase with the DocuChat prefix. */
  alert: string;
  summary: string;
  description: string;
  runbookUrl: string;
}

/**
 * The recording rules and the two alerts of one SLO, with Sloth's names
 * (`slo:sli_error:ratio_rate<window>`, `slo:objective:ratio`, …) and labels
 * (`sloth_id`, `sloth_service`, `sloth_slo`), so that dashboards built for
 * Sloth work on them. The alerts read the recorded ratios, which the
 * dashboards read too: one expression for both.
 */
export function sloRuleGroup(slo: Slo): RuleGroup {
  const labels = {
    sloth_id: `${slo.service}-${slo.name}`,
    sloth_service: slo.service,
    sloth_slo: slo.name,
  };
  const selector = `sloth_id="${labels.sloth_id}", sloth_service="${labels.sloth_service}", sloth_slo="${labels.sloth_slo}"`;
  const budget = round(1 - slo.objective);

  const recordings: RecordingRule[] = [
    ...SLI_WINDOWS.map(window => ({
      record: `slo:sli_error:ratio_rate${window}`,
      expr: slo.errorRatio(window),
      labels: { ...labels, sloth_window: window },
    })),
    {
      record: 'slo:objective:ratio',
      expr: `vector(${slo.objective})`,
      labels,
    },
    {
      record: 'slo:error_budget:ratio',
      expr: `vector(${budget})`,
      labels,
    },
    {
      record: 'slo:current_burn_rate:ratio',
      expr: `slo:sli_error:ratio_rate5m{${selector}} / on (sloth_id, sloth_slo, sloth_service) group_left () slo:error_budget:ratio{${selector}}`,
      labels,
    },
  ];

  const alerts: AlertingRule[] = BURN_RATE_ALERTS.map(page => ({
    alert: slo.alert,
    expr: page.windows
      .map(
        ({ factor, long, short }) =>
          `(max(slo:sli_error:ratio_rate${short}{${selector}} > (${factor} * ${budget})) without (sloth_window) and max(slo:sli_error:ratio_rate${long}{${selector}} > (${factor} * ${budget})) without (sloth_window))`,
      )
      .join(' or '),
    for: page.for,
    labels: { severity: page.severity, ...labels },
    annotations: {
      summary: slo.summary,
      description: `${
        slo.description
      } At this pace the 30-day error budget lasts ${
        page.severity === 'critical' ? 'hours to days' : 'days to weeks'
      }.`,
      runbook_url: slo.runbookUrl,
    },
  }));

  return {
    name: `docuchat-slo-${slo.name}`,
    rules: [...recordings, ...alerts],
  };
}

function round(value: number): number {
  return Number(value.toFixed(6));
}
