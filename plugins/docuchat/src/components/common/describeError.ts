import { ResponseError } from '@backstage/errors';

type Translate = (key: any, options?: any) => string;

/** The backend's own message of a failed call. */
export function backendMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The HTTP status of a failed call, if it got that far. */
export function statusOf(error: unknown): number | undefined {
  return error instanceof ResponseError ? error.statusCode : undefined;
}

/** What to tell the user about a failed call, by status. */
export function describeError(error: unknown, t: Translate): string {
  const message = backendMessage(error);
  switch (statusOf(error)) {
    case 401:
      return t('errors.unauthorized');
    case 403:
      return `${t('errors.forbidden')} ${message}`;
    case 404:
      return t('errors.notFound', { message });
    case 409:
      return t('errors.conflict', { message });
    case 429:
      return t('errors.rateLimited');
    case 503:
      return t('errors.unavailable', { message });
    default:
      return t('errors.generic', { message });
  }
}
