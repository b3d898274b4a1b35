import { RetriedOperation } from '../record';
import { sleep } from '../servers/run';

/** Answers a client of the soak retries: the server could not do it now. */
export const retryable = (status: number) =>
  status === 0 || status === 401 || status === 429 || status >= 500;

/** A fetch through the load balancer, with the Backstage token. */
export class Api {
  #ops = 0;

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly retried: RetriedOperation[],
  ) {}

  /** `path` under the backend, e.g. `/api/docuchat/tenants`. */
  fetch(
    path: string,
    init: RequestInit & { op?: string } = {},
    baseUrl = this.baseUrl,
  ): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${this.token}`);
    headers.set('x-soak-op', init.op ?? `op-${++this.#ops}`);
    return fetch(`${baseUrl}${path}`, { ...init, headers });
  }

  /**
   * An idempotent request, repeated until it gets an answer that is not a
   * 5xx, 429 or 401 (at most 10 attempts, backing off to 3 s: about 20 s,
   * what the faults take). The soak's token is valid all along: a 401 means
   * the replica could not check it (a backend that started while
   * PostgreSQL was down cannot read the signing keys). Recorded with every
   * attempt's status. Resolves with
   * the last answer's status and JSON body (undefined when none).
   * `firstUrl` sends the first attempt to one replica directly; retries go
   * through the load balancer (that replica may be the one that died).
   */
  async idempotent(
    kind: string,
    path: string,
    init: RequestInit = {},
    firstUrl = this.baseUrl,
  ): Promise<{ status: number; body: any; attempts: number }> {
    const operation: RetriedOperation = {
      kind,
      start: Date.now(),
      end: 0,
      attempts: 0,
      succeeded: false,
      statuses: [],
    };
    this.retried.push(operation);
    let last = { status: 0, body: undefined as any };
    for (let attempt = 0; attempt < 10; attempt++) {
      operation.attempts++;
      let wait = Math.min(3000, 250 * 2 ** attempt);
      try {
        const res = await this.fetch(
          path,
          { ...init, signal: AbortSignal.timeout(20_000) },
          attempt === 0 ? firstUrl : this.baseUrl,
        );
        const text = await res.text();
        last = { status: res.status, body: parseJson(text) };
        operation.statuses.push(res.status);
        if (!retryable(res.status)) {
          operation.succeeded = true;
          break;
        }
        const retryAfter = Number(res.headers.get('retry-after'));
        if (res.status === 429 && retryAfter > 0) wait = retryAfter * 1000;
      } catch {
        operation.statuses.push(0);
        last = { status: 0, body: undefined };
      }
      await sleep(wait);
    }
    operation.end = Date.now();
    return { ...last, attempts: operation.attempts };
  }
}

function parseJson(text: string) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
