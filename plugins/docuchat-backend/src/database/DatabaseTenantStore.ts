import { ConflictError } from '@backstage/errors';
import {
  CreateTenantRequest,
  Tenant,
  UpdateTenantRequest,
} from '@internal/backstage-plugin-docuchat-common';
import { Knex } from 'knex';
import { TenantStore } from './TenantStore';
import { toIsoString } from './timestamps';

const TABLE = 'docuchat_tenants';

interface TenantRow {
  id: string;
  display_name: string;
  contact_email: string | null;
  mobile: string | null;
  owner_ref: string;
  price_plan: string;
  created_at: Date | string;
  updated_at: Date | string;
}

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    displayName: row.display_name,
    contactEmail: row.contact_email ?? undefined,
    mobile: row.mobile ?? undefined,
    ownerRef: row.owner_ref,
    pricePlan: row.price_plan,
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
  };
}

function toColumns(request: Partial<CreateTenantRequest>) {
  const columns: Partial<TenantRow> = {
    display_name: request.displayName,
    contact_email: request.contactEmail,
    mobile: request.mobile,
    owner_ref: request.ownerRef,
    price_plan: request.pricePlan,
  };
  return Object.fromEntries(
    Object.entries(columns).filter(([, value]) => value !== undefined),
  );
}

export class DatabaseTenantStore implements TenantStore {
  constructor(private readonly db: Knex) {}

  async list(): Promise<Tenant[]> {
    const rows = await this.db<TenantRow>(TABLE).orderBy('id');
    return rows.map(toTenant);
  }

  async get(id: string): Promise<Tenant | undefined> {
    const row = await this.db<TenantRow>(TABLE).where({ id }).first();
    return row && toTenant(row);
  }

  async create(request: CreateTenantRequest): Promise<Tenant> {
    // The primary key still guards the race between this check and insert.
    if (await this.get(request.id)) {
      throw new ConflictError(`Tenant ${request.id} already exists`);
    }
    await this.db<TenantRow>(TABLE).insert({
      id: request.id,
      ...toColumns(request),
    });
    return (await this.get(request.id))!;
  }

  async update(
    id: string,
    request: UpdateTenantRequest,
  ): Promise<Tenant | undefined> {
    const columns = toColumns(request);
    const count = await this.db<TenantRow>(TABLE)
      .where({ id })
      .update({ ...columns, updated_at: this.db.fn.now() as any });
    return count ? this.get(id) : undefined;
  }

  async upsert(request: CreateTenantRequest): Promise<void> {
    await this.db<TenantRow>(TABLE)
      .insert({ id: request.id, ...toColumns(request) })
      .onConflict('id')
      .merge({ ...toColumns(request), updated_at: this.db.fn.now() as any });
  }
}
