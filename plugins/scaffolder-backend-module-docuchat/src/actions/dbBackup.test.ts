import { createDbBackupAction } from './dbBackup';
import {
  actionContext,
  NS,
  requestLines,
  useKubernetesTestServer,
} from '../__testUtils__/runbookTestKit';

describe('docuchat:db:backup', () => {
  const kit = useKubernetesTestServer();
  const input = {
    cluster: 'test',
    namespace: NS,
    release: 'docuchat',
    timeoutSeconds: 1,
  };
  const claim = `/api/v1/namespaces/${NS}/persistentvolumeclaims/docuchat-backups`;
  const jobs = `/apis/batch/v1/namespaces/${NS}/jobs`;

  beforeEach(() => kit.server.addClaim(NS, 'docuchat-backups'));

  it('runs pg_dump in a Job on the backup volume and reports the file', async () => {
    const ctx = actionContext(input);
    await createDbBackupAction(kit.deps).handler(ctx as any);

    const backup = (ctx.output as jest.Mock).mock.calls.find(
      c => c[0] === 'backup',
    )[1];
    expect(backup).toMatch(/^docuchat-\d{8}T\d{6}Z\.dump$/);
    const jobName = `docuchat-backup-${backup.slice(9, 25).toLowerCase()}`;
    expect(ctx.output).toHaveBeenCalledWith('job', jobName);
    expect(requestLines(kit.server)).toEqual([
      `GET ${claim}`,
      `POST ${jobs}`,
      `GET ${jobs}/${jobName}`,
    ]);
    const job = kit.server.requests[1].body;
    expect(job.metadata).toMatchObject({ name: jobName, namespace: NS });
    expect(job.spec.backoffLimit).toBe(0);
    const pod = job.spec.template.spec;
    expect(pod.volumes).toEqual([
      {
        name: 'backups',
        persistentVolumeClaim: { claimName: 'docuchat-backups' },
      },
    ]);
    const [container] = pod.containers;
    expect(container.image).toBe('postgres:17');
    expect(container.command[2]).toBe(
      `pg_dump --format=custom --file="/backups/${backup}.partial" && mv "/backups/${backup}.partial" "/backups/${backup}"`,
    );
    expect(container.env).toEqual([
      { name: 'PGHOST', value: 'docuchat-postgresql' },
      { name: 'PGUSER', value: 'docuchat' },
      { name: 'PGDATABASE', value: 'docuchat' },
      {
        name: 'PGPASSWORD',
        valueFrom: {
          secretKeyRef: { name: 'docuchat-secrets', key: 'postgres-password' },
        },
      },
    ]);
  });

  it('dry run checks the volume and creates nothing', async () => {
    const ctx = actionContext(input, { dryRun: true });
    await createDbBackupAction(kit.deps).handler(ctx as any);
    expect(requestLines(kit.server)).toEqual([`GET ${claim}`]);
    expect(ctx.loggedText()).toContain('would create job');
  });

  it('fails when the Job fails', async () => {
    kit.server.controllers.jobs = 'fail';
    await expect(
      createDbBackupAction(kit.deps).handler(actionContext(input) as any),
    ).rejects.toThrow(/failed: BackoffLimitExceeded/);
  });

  it('fails after the timeout when the Job never completes', async () => {
    kit.server.controllers.jobs = 'hang';
    await expect(
      createDbBackupAction(kit.deps).handler(actionContext(input) as any),
    ).rejects.toThrow(
      /Timed out after 1 s waiting for job docuchat-prod\/docuchat-backup-\S+ \(last state: 1 active, 0 succeeded\)/,
    );
  });

  it('reports a missing backup volume and a forbidden Job', async () => {
    kit.server.objects.clear();
    await expect(
      createDbBackupAction(kit.deps).handler(actionContext(input) as any),
    ).rejects.toThrow(
      `Cannot read persistent volume claim ${NS}/docuchat-backups: not found (404)`,
    );

    kit.server.addClaim(NS, 'docuchat-backups');
    kit.server.failures.set(`POST ${jobs}`, 403);
    await expect(
      createDbBackupAction(kit.deps).handler(actionContext(input) as any),
    ).rejects.toThrow(/Kubernetes refused to create job/);
  });
});
