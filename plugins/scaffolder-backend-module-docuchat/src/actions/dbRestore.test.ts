import { createDbRestoreAction } from './dbRestore';
import {
  actionContext,
  NS,
  requestLines,
  useKubernetesTestServer,
} from '../__testUtils__/runbookTestKit';

describe('docuchat:db:restore', () => {
  const kit = useKubernetesTestServer();
  const backup = 'docuchat-20261201T010000Z.dump';
  const input = {
    cluster: 'test',
    namespace: NS,
    release: 'docuchat',
    backup,
    confirm: true,
    timeoutSeconds: 1,
  };
  const portal = `/apis/apps/v1/namespaces/${NS}/deployments/docuchat-portal`;
  const jobs = `/apis/batch/v1/namespaces/${NS}/jobs`;
  const claim = `/api/v1/namespaces/${NS}/persistentvolumeclaims/docuchat-backups`;

  beforeEach(() => {
    kit.server.addDeployment(NS, 'docuchat-portal', 2);
    kit.server.addClaim(NS, 'docuchat-backups');
  });

  it('needs an explicit confirmation', async () => {
    await expect(
      createDbRestoreAction(kit.deps).handler(
        actionContext({ ...input, confirm: false }) as any,
      ),
    ).rejects.toThrow('replaces the whole database: set confirm to true');
    expect(kit.server.requests).toEqual([]);
  });

  it('scales the portal to zero, restores in a Job, scales it back', async () => {
    const ctx = actionContext(input);
    await createDbRestoreAction(kit.deps).handler(ctx as any);

    const lines = requestLines(kit.server);
    const jobName = kit.server.requests.find(r => r.method === 'POST')!.body
      .metadata.name;
    expect(jobName).toMatch(/^docuchat-restore-\d{8}t\d{6}z$/);
    expect(lines).toEqual([
      `GET ${portal}`,
      `GET ${claim}`,
      `PATCH ${portal}`,
      `GET ${portal}`,
      `POST ${jobs}`,
      `GET ${jobs}/${jobName}`,
      `PATCH ${portal}`,
      `GET ${portal}`,
    ]);
    const patches = kit.server.requests.filter(r => r.method === 'PATCH');
    expect(patches.map(p => [p.contentType, p.body])).toEqual([
      ['application/merge-patch+json', { spec: { replicas: 0 } }],
      ['application/merge-patch+json', { spec: { replicas: 2 } }],
    ]);
    const container =
      kit.server.requests[4].body.spec.template.spec.containers[0];
    expect(container.command[2]).toBe(
      `test -f "/backups/${backup}" && pg_restore --clean --if-exists --no-owner --exit-on-error --dbname="$PGDATABASE" "/backups/${backup}"`,
    );
    expect(ctx.output).toHaveBeenCalledWith('portalReplicas', 2);
  });

  it('scales the portal back when the restore fails', async () => {
    kit.server.controllers.jobs = 'fail';
    await expect(
      createDbRestoreAction(kit.deps).handler(actionContext(input) as any),
    ).rejects.toThrow(/failed: BackoffLimitExceeded/);
    expect(kit.server.objects.get(portal).spec.replicas).toBe(2);
  });

  it('dry run reads and changes nothing', async () => {
    const ctx = actionContext(input, { dryRun: true });
    await createDbRestoreAction(kit.deps).handler(ctx as any);
    expect(kit.server.writes).toEqual([]);
    expect(ctx.loggedText()).toContain(
      `would scale deployment ${NS}/docuchat-portal from 2 to 0`,
    );
  });

  it('reports a forbidden scale-down without creating a Job', async () => {
    kit.server.failures.set(`PATCH ${portal}`, 403);
    await expect(
      createDbRestoreAction(kit.deps).handler(actionContext(input) as any),
    ).rejects.toThrow(
      `Kubernetes refused to scale deployment ${NS}/docuchat-portal (403 Forbidden)`,
    );
    expect(kit.server.requests.some(r => r.method === 'POST')).toBe(false);
  });
});
