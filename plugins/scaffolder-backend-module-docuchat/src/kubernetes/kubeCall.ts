import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { ApiException } from '@kubernetes/client-node';

/**
 * Runs one Kubernetes API call; a 403 or 404 becomes an error that says
 * what was being done (the client's own message is a raw response dump).
 */
export async function kubeCall<T>(
  what: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiException) {
      const reason = kubeReason(error.body);
      if (error.code === 403) {
        throw new NotAllowedError(
          `Kubernetes refused to ${what} (403 Forbidden): ${reason}`,
        );
      }
      if (error.code === 404) {
        throw new NotFoundError(`Cannot ${what}: not found (404): ${reason}`);
      }
      throw new Error(`Cannot ${what}: HTTP ${error.code}: ${reason}`);
    }
    throw error;
  }
}

function kubeReason(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return kubeReason(JSON.parse(body));
    } catch {
      return body;
    }
  }
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : JSON.stringify(body);
}
