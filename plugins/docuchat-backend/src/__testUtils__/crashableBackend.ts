/**
 * A real Backstage backend with the DocuChat plugin, run as a child process
 * by the crash-safety tests (see backendProcess.ts) so they can SIGKILL or
 * SIGTERM it, and by the hostile-upload test (with the catalog beside it).
 * Config comes as JSON in DOCUCHAT_BACKEND_CONFIG; callers authenticate
 * with mockCredentials headers.
 */
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';

const data = JSON.parse(process.env.DOCUCHAT_BACKEND_CONFIG ?? '{}');

const backend = createBackend();
backend.add(mockServices.rootConfig.factory({ data }));
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(mockServices.userInfo.factory());
backend.add(
  mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
);
backend.add(import('../index'));
// The portal's other plugins share DocuChat's event loop; the catalog shows
// whether they keep answering while DocuChat works.
if (process.env.DOCUCHAT_TEST_BACKEND_WITH_CATALOG) {
  backend.add(import('@backstage/plugin-catalog-backend'));
}
backend.start();
