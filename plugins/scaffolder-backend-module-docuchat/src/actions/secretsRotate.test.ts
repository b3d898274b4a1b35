import { createSecretsRotateAction } from './secretsRotate';
import {
  actionContext,
  NS,
  requestLines,
  useKubernetesTestServer,
} from '../__testUtils__/runbookTestKit';

describe('docuchat:secrets:rotate', () => {
  const kit = useKubernetesTestServer();
  const target = {
    cluster: 'test',
    namespace: NS,
    release: 'docuchat',
    timeoutSeconds: 1,
  };
  const secret = `/api/v1/namespaces/${NS}/secrets/docuchat-secrets`;
  const secrets = `/api/v1/namespaces/${NS}/secrets`;
  const portal = `/apis/apps/v1/namespaces/${NS}/deployments/docuchat-portal`;
  const jobs = `/apis/batch/v1/namespaces/${NS}/jobs`;

  beforeEach(() => {
    kit.server.addSecret(NS, 'docuchat-secrets', {
      'postgres-password': 'old-db-password',
      'openai-api-key': 'sk-old',
      'session-key': 'old-session',
    });
    kit.server.addDeployment(NS, 'docuchat-portal', 2);
  });

  it('sets a given and a random value, restarts the portal, logs no value', async () => {
    const ctx = actionContext(
      {
        ...target,
        keys: ['openai-api-key', 'session-key'],
        fromSecrets: { 'openai-api-key': 'openaiApiKey' },
      },
      { secrets: { openaiApiKey: 'sk-new-secret-value' } },
    );
    await createSecretsRotateAction(kit.deps).handler(ctx as any);

    expect(requestLines(kit.server)).toEqual([
      `GET ${secret}`,
      `GET ${portal}`,
      `PATCH ${secret}`,
      `PATCH ${portal}`,
      `GET ${portal}`,
    ]);
    expect(kit.server.requests[2].contentType).toBe(
      'application/merge-patch+json',
    );
    expect(Object.keys(kit.server.requests[2].body.data)).toEqual([
      'openai-api-key',
      'session-key',
    ]);
    const data = kit.server.secretData(NS, 'docuchat-secrets');
    expect(data['openai-api-key']).toBe('sk-new-secret-value');
    expect(data['session-key']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(data['postgres-password']).toBe('old-db-password');
    expect(kit.server.requests[3].contentType).toBe(
      'application/strategic-merge-patch+json',
    );
    expect(ctx.output).toHaveBeenCalledWith('rotatedKeys', [
      'openai-api-key',
      'session-key',
    ]);
    const logged = ctx.loggedText();
    expect(logged).not.toContain('sk-new-secret-value');
    expect(logged).not.toContain(data['session-key']);
  });

  it('changes the database password in PostgreSQL first, through a Job and a short-lived Secret', async () => {
    const ctx = actionContext({
      ...target,
      keys: ['postgres-password'],
    });
    await createSecretsRotateAction(kit.deps).handler(ctx as any);

    const temp = kit.server.requests.find(
      r => r.method === 'POST' && r.path === secrets,
    )!.body;
    const name = temp.metadata.name;
    expect(name).toMatch(/^docuchat-rotate-\d{8}t\d{6}z$/);
    expect(requestLines(kit.server)).toEqual([
      `GET ${secret}`,
      `GET ${portal}`,
      `POST ${secrets}`,
      `POST ${jobs}`,
      `GET ${jobs}/${name}`,
      `DELETE ${secrets}/${name}`,
      `PATCH ${secret}`,
      `PATCH ${portal}`,
      `GET ${portal}`,
    ]);
    const password = kit.server.secretData(NS, 'docuchat-secrets')[
      'postgres-password'
    ];
    expect(password).not.toBe('old-db-password');
    expect(Buffer.from(temp.data['new-password'], 'base64').toString()).toBe(
      password,
    );
    const job = kit.server.requests[3].body;
    expect(JSON.stringify(job)).not.toContain(password);
    const [container] = job.spec.template.spec.containers;
    expect(container.command[2]).toContain(
      `ALTER ROLE CURRENT_USER WITH PASSWORD :'new_password';`,
    );
    expect(container.env).toEqual(
      expect.arrayContaining([
        {
          name: 'PGPASSWORD',
          valueFrom: {
            secretKeyRef: {
              name: 'docuchat-secrets',
              key: 'postgres-password',
            },
          },
        },
        {
          name: 'NEW_PASSWORD',
          valueFrom: { secretKeyRef: { name, key: 'new-password' } },
        },
      ]),
    );
    expect(ctx.loggedText()).not.toContain(password);
  });

  it('keeps the old password in the Secret when PostgreSQL was not changed', async () => {
    kit.server.controllers.jobs = 'hang';
    await expect(
      createSecretsRotateAction(kit.deps).handler(
        actionContext({
          ...target,
          keys: ['postgres-password'],
        }) as any,
      ),
    ).rejects.toThrow(/Timed out after 1 s waiting for job/);
    expect(
      kit.server.secretData(NS, 'docuchat-secrets')['postgres-password'],
    ).toBe('old-db-password');
    // The short-lived Secret is gone all the same.
    expect(kit.server.writes.map(w => w.method)).toEqual([
      'POST',
      'POST',
      'DELETE',
    ]);
  });

  it('dry run reads and changes nothing', async () => {
    const ctx = actionContext(
      { ...target, keys: ['postgres-password'] },
      { dryRun: true },
    );
    await createSecretsRotateAction(kit.deps).handler(ctx as any);
    expect(kit.server.writes).toEqual([]);
    expect(ctx.loggedText()).toContain(
      'change the password of docuchat in PostgreSQL',
    );
  });

  it('refuses unknown keys and unset template secrets without writes', async () => {
    await expect(
      createSecretsRotateAction(kit.deps).handler(
        actionContext({ ...target, keys: ['typo'] }) as any,
      ),
    ).rejects.toThrow(`Secret ${NS}/docuchat-secrets has no key typo`);
    await expect(
      createSecretsRotateAction(kit.deps).handler(
        actionContext({
          ...target,
          keys: ['openai-api-key'],
          fromSecrets: { 'openai-api-key': 'missing' },
        }) as any,
      ),
    ).rejects.toThrow(
      'Template secret "missing" (for key openai-api-key) is not set',
    );
    expect(kit.server.writes).toEqual([]);
  });

  it('reports a forbidden Secret', async () => {
    kit.server.failures.set(`GET ${secret}`, 403);
    await expect(
      createSecretsRotateAction(kit.deps).handler(
        actionContext({ ...target, keys: ['session-key'] }) as any,
      ),
    ).rejects.toThrow(
      `Kubernetes refused to read secret ${NS}/docuchat-secrets (403 Forbidden)`,
    );
  });
});
