import { useEntity } from '@backstage/plugin-catalog-react';
import { docuchatInvoicesReadPermission } from '@docuchat/backstage-plugin-docuchat-common';
import {
  DocuchatCard,
  tenantIdOf,
  useEntityPagesI18n,
} from '../EntityPagesCommon';
import { InvoicesView } from './InvoicesView';

/** The invoices card (and tab) of a `docuchat-tenant` entity. */
export function InvoicesCard(props: { pageSize?: number }) {
  const { entity } = useEntity();
  const tenantId = tenantIdOf(entity);
  const { t } = useEntityPagesI18n();
  return (
    <DocuchatCard
      title={t('invoices.title')}
      capability="billing"
      tenantId={tenantId}
      permission={docuchatInvoicesReadPermission}
    >
      <InvoicesView tenantId={tenantId!} pageSize={props.pageSize} />
    </DocuchatCard>
  );
}
