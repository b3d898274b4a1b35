import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the server received, as the tests assert it. */
export interface RecordedRequest {
  method: string;
  path: string;
  contentType?: string;
  body?: any;
}

/**
 * A local server speaking the Kubernetes API paths the runbooks use
 * (deployments, HPAs, jobs, secrets, persistent volume claims). It keeps
 * objects by path, applies JSON merge patches (enough for the patches the
 * runbooks send), records every request, and plays the controllers:
 * deployments roll out and jobs finish, unless a test says they never do.
 */
export class KubernetesTestServer {
  readonly requests: RecordedRequest[] = [];
  readonly objects = new Map<string, any>();
  /** Forced answers, e.g. `'PATCH /apis/...': 403`. */
  readonly failures = new Map<string, number>();
  controllers = {
    rollouts: true,
    jobs: 'complete' as 'complete' | 'fail' | 'hang',
  };
  private server?: Server;

  get url() {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Requests that change something (what a dry run must never send). */
  get writes() {
    return this.requests.filter(r => r.method !== 'GET');
  }

  async start() {
    this.server = createServer(async (req, res) => {
      const body = await readBody(req);
      const path = new URL(req.url!, 'http://x').pathname;
      const recorded: RecordedRequest = {
        method: req.method!,
        path,
        contentType: req.headers['content-type'],
        ...(body !== undefined && { body }),
      };
      this.requests.push(recorded);
      const { status, payload } = this.handle(recorded);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload));
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    return this;
  }

  async stop() {
    await new Promise(resolve => this.server?.close(resolve));
  }

  addDeployment(namespace: string, name: string, replicas: number) {
    this.objects.set(
      `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, generation: 1 },
        spec: { replicas, template: { metadata: {} } },
        status: rolledOut(replicas, 1),
      },
    );
  }

  addHpa(namespace: string, name: string, min: number, max: number) {
    this.objects.set(
      `/apis/autoscaling/v2/namespaces/${namespace}/horizontalpodautoscalers/${name}`,
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name, namespace },
        spec: { minReplicas: min, maxReplicas: max },
      },
    );
  }

  addSecret(namespace: string, name: string, data: Record<string, string>) {
    this.objects.set(`/api/v1/namespaces/${namespace}/secrets/${name}`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace },
      data: Object.fromEntries(
        Object.entries(data).map(([k, v]) => [
          k,
          Buffer.from(v).toString('base64'),
        ]),
      ),
    });
  }

  addClaim(namespace: string, name: string) {
    this.objects.set(
      `/api/v1/namespaces/${namespace}/persistentvolumeclaims/${name}`,
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name, namespace },
        spec: {},
      },
    );
  }

  /** A Secret's data, decoded. */
  secretData(namespace: string, name: string): Record<string, string> {
    const secret = this.objects.get(
      `/api/v1/namespaces/${namespace}/secrets/${name}`,
    );
    return Object.fromEntries(
      Object.entries(secret.data as Record<string, string>).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString('utf8'),
      ]),
    );
  }

  private handle(req: RecordedRequest): { status: number; payload: unknown } {
    const forced = this.failures.get(`${req.method} ${req.path}`);
    if (forced) return failure(forced, `forced ${forced} for ${req.path}`);
    const existing = this.objects.get(req.path);
    switch (req.method) {
      case 'GET':
        return existing
          ? { status: 200, payload: existing }
          : failure(404, `${req.path} not found`);
      case 'PATCH': {
        if (!existing) return failure(404, `${req.path} not found`);
        const patched = mergePatch(existing, req.body);
        if (patched.kind === 'Deployment') {
          patched.metadata.generation += 1;
          if (this.controllers.rollouts) {
            patched.status = rolledOut(
              patched.spec.replicas,
              patched.metadata.generation,
            );
          }
        }
        this.objects.set(req.path, patched);
        return { status: 200, payload: patched };
      }
      case 'POST': {
        const path = `${req.path}/${req.body.metadata.name}`;
        if (this.objects.has(path)) return failure(409, `${path} exists`);
        const created = structuredClone(req.body);
        if (created.kind === 'Job') {
          created.status = jobStatus(this.controllers.jobs);
        }
        this.objects.set(path, created);
        return { status: 201, payload: created };
      }
      case 'DELETE':
        if (!existing) return failure(404, `${req.path} not found`);
        this.objects.delete(req.path);
        return { status: 200, payload: { kind: 'Status', status: 'Success' } };
      default:
        return failure(405, `${req.method} not supported`);
    }
  }
}

function rolledOut(replicas: number, generation: number) {
  return {
    observedGeneration: generation,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
  };
}

function jobStatus(outcome: 'complete' | 'fail' | 'hang') {
  if (outcome === 'hang') return { active: 1 };
  if (outcome === 'fail') {
    return {
      failed: 1,
      conditions: [
        {
          type: 'Failed',
          status: 'True',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
      ],
    };
  }
  return { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] };
}

function failure(code: number, message: string) {
  const reason: Record<number, string> = {
    403: 'Forbidden',
    404: 'NotFound',
    409: 'AlreadyExists',
  };
  return {
    status: code,
    payload: {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message,
      reason: reason[code] ?? 'Unknown',
      code,
    },
  };
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch;
  }
  const result =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...target }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}
