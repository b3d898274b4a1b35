import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { EventsService } from '@backstage/plugin-events-node';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  CreateTenantRequest,
  DOCUCHAT_TENANT_TOPIC,
  TenantChangedEvent,
  UpdateTenantRequest,
} from '@docuchat/backstage-plugin-docuchat-common';
import { TenantFilter, TenantStore } from '../database/TenantStore';

/**
 * A TenantStore that announces created and updated tenants on the events
 * service, so the catalog shows them without waiting for its next full
 * refresh. Config seeding (`upsert`) is not announced: it runs at startup,
 * before the catalog's first full refresh reads every tenant anyway.
 */
export class PublishingTenantStore implements TenantStore {
  constructor(
    private readonly inner: TenantStore,
    private readonly events: EventsService,
    private readonly logger: LoggerService,
  ) {}

  // The filter is a permission policy's conditions: dropping it would list
  // every tenant to everyone.
  list(filter?: PermissionCriteria<TenantFilter>) {
    return this.inner.list(filter);
  }

  get(id: string) {
    return this.inner.get(id);
  }

  upsert(request: CreateTenantRequest) {
    return this.inner.upsert(request);
  }

  async create(request: CreateTenantRequest) {
    const tenant = await this.inner.create(request);
    await this.publish({ action: 'created', tenant });
    return tenant;
  }

  async update(id: string, request: UpdateTenantRequest) {
    const tenant = await this.inner.update(id, request);
    if (tenant) await this.publish({ action: 'updated', tenant });
    return tenant;
  }

  // The change is committed; a lost announcement only delays the catalog
  // until its next full refresh, so it must not fail the request.
  private async publish(event: TenantChangedEvent) {
    try {
      await this.events.publish({
        topic: DOCUCHAT_TENANT_TOPIC,
        eventPayload: event,
      });
    } catch (error) {
      this.logger.warn(
        `Could not announce tenant ${event.tenant.id} (${event.action})`,
        toError(error),
      );
    }
  }
}
