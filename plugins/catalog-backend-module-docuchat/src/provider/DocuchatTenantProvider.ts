import {
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  DOCUCHAT_TENANT_TOPIC,
  Tenant,
  TenantChangedEvent,
} from '@docuchat/backstage-plugin-docuchat-common';
import { DocuchatTenantClient } from './DocuchatTenantClient';
import { tenantEntity } from './tenantEntity';

/**
 * Puts every DocuChat tenant into the catalog as a `Resource`: a full
 * mutation on a schedule, and a delta for each tenant the DocuChat backend
 * announces as created or updated on the events service.
 */
export class DocuchatTenantProvider implements EntityProvider {
  #connection?: EntityProviderConnection;

  constructor(
    private readonly options: {
      client: DocuchatTenantClient;
      taskRunner: SchedulerServiceTaskRunner;
      events: EventsService;
      logger: LoggerService;
      appBaseUrl: string;
      /** The environment Resource tenants depend on, when one is configured. */
      environmentRef?: string;
    },
  ) {}

  getProviderName() {
    return 'docuchat-tenants';
  }

  async connect(connection: EntityProviderConnection) {
    this.#connection = connection;
    await this.options.events.subscribe({
      id: this.getProviderName(),
      topics: [DOCUCHAT_TENANT_TOPIC],
      onEvent: async params => {
        const { tenant } = params.eventPayload as TenantChangedEvent;
        await this.applyTenantChange(tenant);
      },
    });
    await this.options.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async signal => this.refresh(signal),
    });
  }

  /** Replaces every tenant entity with what the DocuChat API lists now. */
  async refresh(signal?: AbortSignal) {
    const connection = this.requireConnection();
    const tenants = await this.options.client.listTenants(signal);
    await connection.applyMutation({
      type: 'full',
      entities: tenants.map(tenant => this.deferred(tenant)),
    });
    this.options.logger.info(`Provided ${tenants.length} DocuChat tenants`);
  }

  private async applyTenantChange(tenant: Tenant) {
    await this.requireConnection().applyMutation({
      type: 'delta',
      added: [this.deferred(tenant)],
      removed: [],
    });
    this.options.logger.info(`Updated DocuChat tenant ${tenant.id}`);
  }

  private deferred(tenant: Tenant) {
    return {
      entity: tenantEntity(tenant, this.options),
      locationKey: this.getProviderName(),
    };
  }

  private requireConnection() {
    if (!this.#connection) {
      throw new Error('DocuchatTenantProvider is not connected yet');
    }
    return this.#connection;
  }
}
