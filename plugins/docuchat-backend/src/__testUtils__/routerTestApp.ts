import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import { TenantStore } from '../database/TenantStore';
import { Callers } from '../http/Callers';
import { TenantAccess } from '../permissions/TenantAccess';
import { adminOnlyPermissions } from './testUsers';

/** What a DocuChat router needs to know who is calling. */
export interface RouterTestServices {
  callers: Callers;
}

/**
 * An express app serving one DocuChat router behind Backstage's error
 * handler, so thrown errors answer with their real status codes. Requests
 * without a token are anonymous, as in production; ADMIN may do everything,
 * anyone else reaches just the tenants they own, and service principals
 * nothing (no `docuchat.serviceAccess`).
 */
export function createRouterTestApp(
  tenants: TenantStore,
  createRouter: (services: RouterTestServices) => express.Router,
): express.Express {
  const app = express();
  app.use(
    createRouter({
      callers: new Callers(
        mockServices.httpAuth({ defaultCredentials: mockCredentials.none() }),
        new TenantAccess({
          tenants,
          permissions: adminOnlyPermissions,
          serviceAccess: new Map(),
        }),
      ),
    }),
  );
  app.use(
    MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    }).error(),
  );
  return app;
}
