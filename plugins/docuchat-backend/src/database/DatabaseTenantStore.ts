import { ConflictError } from '@backstage/errors';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import {
  CreateTenantRequest,
  Tenant,
  UpdateTenantRequest,
} from '@docuchat/backstage-plugin-docuchat-common';
import { Knex } from 'knex';
import { TenantFilter, TenantStore } from './TenantStore';
import { toIsoString } from './timestamps';

const TABLE = 'docuchat_tenants';

interface TenantRow {
  id: string;
  display_name: string;
  contact_email: string | null;
  mobile: string | null;
  owner_ref: string;
  price_plan: string;
  daily_token_budget: number | string | null;
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
    dailyTokenBudget:
      row.daily_token_budget === null
        ? undefined
        : Number(row.daily_token_budget),
    createdAt: toIsoString(row.created_at),
    updatedAt: toIsoString(row.updated_at),
  };
}

function toColumns(
  request: Partial<CreateTenantRequest> | UpdateTenantRequest,
) {
  const columns: Partial<TenantRow> = {
    display_name: request.displayName,
    contact_email: request.contactEmail,
    mobile: request.mobile,
    owner_ref: request.ownerRef,
    price_plan: request.pricePlan,
    // null (PATCH) clears the override; undefined leaves it.
    daily_token_budget: request.dailyTokenBudget,
  };
  return Object.fromEntries(
    Object.entries(columns).filter(([, value]) => value !== undefined),
  );
}

const FILTER_COLUMNS: Record<TenantFilter['property'], keyof TenantRow> = {
  ownerRef: 'owner_ref',
  id: 'id',
};

/** A permission policy's conditions as a WHERE clause. */
function applyFilter(
  builder: Knex.QueryBuilder,
  filter: PermissionCriteria<TenantFilter>,
): void {
  if (isAndCriteria(filter)) {
    for (const part of filter.allOf) {
      builder.andWhere(sub => applyFilter(sub, part));
    }
  } else if (isOrCriteria(filter)) {
    for (const part of filter.anyOf) {
      builder.orWhere(sub => applyFilter(sub, part));
    }
  } else if (isNotCriteria(filter)) {
    builder.whereNot(sub => applyFilter(sub, filter.not));
  } else {
    // An empty list matches nothing (knex writes 1 = 0).
    builder.whereIn(FILTER_COLUMNS[filter.property], filter.values);
  }
}

export class DatabaseTenantStore implements TenantStore {
  constructor(private readonly db: Knex) {}

  async list(filter?: PermissionCriteria<TenantFilter>): Promise<Tenant[]> {
    const query = this.db<TenantRow>(TABLE).orderBy('id');
    if (filter) query.where(builder => applyFilter(builder, filter));
    const rows = await query;
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
