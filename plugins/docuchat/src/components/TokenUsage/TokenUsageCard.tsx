import { useEntity } from '@backstage/plugin-catalog-react';
import { docuchatUsageReadPermission } from '@docuchat/backstage-plugin-docuchat-common';
import {
  DocuchatCard,
  tenantIdOf,
  useEntityPagesI18n,
} from '../EntityPagesCommon';
import { TokenUsageView } from './TokenUsageView';

/** The token-usage card (and tab) of a `docuchat-tenant` entity. */
export function TokenUsageCard() {
  const { entity } = useEntity();
  const tenantId = tenantIdOf(entity);
  const { t } = useEntityPagesI18n();
  return (
    <DocuchatCard
      title={t('usage.title')}
      capability="usage"
      tenantId={tenantId}
      permission={docuchatUsageReadPermission}
    >
      <TokenUsageView tenantId={tenantId!} />
    </DocuchatCard>
  );
}
