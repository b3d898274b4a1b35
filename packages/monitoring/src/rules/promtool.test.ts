import { spawn } from 'child_process';
import { existsSync } from 'fs';
import { copyFile, mkdtemp, rm, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'fs';
import { PROMTOOL_BINARY } from '@internal/docuchat-test-utils';
import { REPOSITORY_ROOT } from '../repositoryRoot';
import { DEFAULT_SETTINGS } from '../settings';
import { docuchatRuleGroups } from './alerts';
import { ALERT_TESTS } from './alertTests';
import { isAlertingRule } from './types';

jest.setTimeout(120_000);

const RULES = join(REPOSITORY_ROOT, 'monitoring/prometheus/alerts.yml');
const RULE_TESTS = join(
  REPOSITORY_ROOT,
  'monitoring/prometheus/alerts.test.yml',
);

function promtool(
  ...args: string[]
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL_BINARY, args);
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    child.on('error', reject);
    child.on('close', code => resolve({ code: code ?? -1, output }));
  });
}

const promtoolInstalled = existsSync(PROMTOOL_BINARY);
if (!promtoolInstalled && process.env.CI) {
  throw new Error(
    `${PROMTOOL_BINARY} is missing; CI must install it (Debian package "prometheus")`,
  );
}
const describeWithPromtool = promtoolInstalled ? describe : describe.skip;

const alerts = docuchatRuleGroups(DEFAULT_SETTINGS)
  .flatMap(g => g.rules)
  .filter(isAlertingRule);

describe('the alerting rules', () => {
  it('follow the monitoring-mixin conventions', () => {
    for (const rule of alerts) {
      expect(rule.alert).toMatch(
        /^DocuChat([A-Z][a-z0-9]*|[A-Z]+(?=[A-Z]|$))+$/,
      );
      expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
      expect(rule.annotations.summary).toMatch(/\.$/);
      expect(rule.annotations.description.length).toBeGreaterThan(20);
      expect(rule.annotations.runbook_url).toMatch(
        new RegExp(`^${DEFAULT_SETTINGS.runbookBaseUrl}[a-z-]+\\.md$`),
      );
    }
    // Symptoms wait out a blip; only the billing run's failure, an event,
    // alerts at once.
    expect(alerts.filter(r => !r.for).map(r => r.alert)).toEqual([
      'DocuChatBillingRunFailed',
    ]);
  });

  it('include every alert the issue asks for', () => {
    expect(new Set(alerts.map(r => r.alert))).toEqual(
      new Set([
        'DocuChatAvailabilityBudgetBurn',
        'DocuChatLatencyBudgetBurn',
        'DocuChatHighErrorRate',
        'DocuChatHighLatency',
        'DocuChatSlowFirstToken',
        'DocuChatOpenAIRequestFailures',
        'DocuChatExcessiveFallbacks',
        // Issue 23: a hostile upload must not stall the portal.
        'DocuChatEventLoopLag',
        'DocuChatIngestionFailing',
        'DocuChatPodCrashLooping',
        'DocuChatPodNotReady',
        'DocuChatCPUSaturation',
        'DocuChatMemorySaturation',
        'DocuChatDatabaseBackupFailed',
        'DocuChatTenantTokenSpike',
        'DocuChatTenantOverDailyBudget',
        'DocuChatBillingRunFailed',
        'DocuChatBillingRunMissed',
        'DocuChatBillingDrift',
        'DocuChatInvoicesFailed',
      ]),
    );
  });

  it('each have a unit test that fires them and one that keeps them silent', () => {
    const file = parse(readFileSync(RULE_TESTS, 'utf8'));
    for (const rule of alerts) {
      const named = `${rule.alert} (${rule.labels.severity})`;
      const tests = file.tests.filter((t: any) => t.name.startsWith(named));
      expect({ named, tests: tests.length }).toEqual({ named, tests: 2 });
      const [firing, healthy] = tests;
      const [before, at] = firing.alert_rule_test;
      expect(before.exp_alerts).toEqual([]);
      expect(at.exp_alerts).toHaveLength(1);
      expect(at.exp_alerts[0].exp_labels.severity).toBe(rule.labels.severity);
      expect(Object.keys(at.exp_alerts[0].exp_annotations).sort()).toEqual([
        'description',
        'runbook_url',
        'summary',
      ]);
      expect(
        healthy.alert_rule_test.every((t: any) => t.exp_alerts.length === 0),
      ).toBe(true);
    }
    expect(ALERT_TESTS.length).toBe(alerts.length);
  });
});

describeWithPromtool('promtool', () => {
  it('check rules --lint=all accepts the committed rule file', async () => {
    const { code, output } = await promtool(
      'check',
      'rules',
      '--lint=all',
      RULES,
    );
    expect({ code, output }).toEqual({
      code: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it('test rules passes every unit test of the committed rules', async () => {
    const { code, output } = await promtool('test', 'rules', RULE_TESTS);
    expect({ code, output }).toEqual({
      code: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it('is a real check: an alert expected a minute early fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'docuchat-promtool-'));
    try {
      await copyFile(RULES, join(dir, 'alerts.yml'));
      const file = parse(readFileSync(RULE_TESTS, 'utf8'));
      const test = file.tests.find((t: any) =>
        t.name.startsWith('DocuChatHighErrorRate (warning) fires'),
      );
      // Expect the firing alert at the evaluation where it is still pending.
      test.alert_rule_test[0].exp_alerts = test.alert_rule_test[1].exp_alerts;
      await writeFile(
        join(dir, 'alerts.test.yml'),
        stringify({ ...file, tests: [test] }),
      );
      const { code, output } = await promtool(
        'test',
        'rules',
        join(dir, 'alerts.test.yml'),
      );
      expect(code).not.toBe(0);
      expect(output).toContain('DocuChatHighErrorRate');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
