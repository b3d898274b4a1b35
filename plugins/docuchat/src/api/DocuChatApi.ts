import { createApiRef } from '@backstage/core-plugin-api';
import { HealthResponse } from '@internal/backstage-plugin-docuchat-common';

/**
 * The browser's view of the DocuChat backend.
 *
 * @public
 */
export interface DocuChatApi {
  getHealth(): Promise<HealthResponse>;
}

/** @public */
export const docuchatApiRef = createApiRef<DocuChatApi>({
  id: 'plugin.docuchat.api',
});
