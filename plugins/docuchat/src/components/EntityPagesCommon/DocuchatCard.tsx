import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import { DocuchatTenantPermission } from '@docuchat/backstage-plugin-docuchat-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { useCapability } from './useCapability';
import { useEntityPagesI18n } from './useEntityPagesI18n';

/**
 * The frame of DocuChat's tenant cards: checks, in order, that the entity
 * names a tenant, that the backend offers the capability and that the user
 * holds the permission on that tenant, and shows a clear state for each
 * miss; only then renders its children. The content follows the UI
 * language's direction (Backstage's own frame does not).
 */
export function DocuchatCard(props: {
  title: string;
  capability: string;
  tenantId: string | undefined;
  permission: DocuchatTenantPermission;
  action?: ReactNode;
  children: ReactNode;
}) {
  const { t, dir } = useEntityPagesI18n();
  const capability = useCapability(props.capability);
  const permission = usePermission({
    permission: props.permission,
    resourceRef: props.tenantId,
  });

  let body: ReactNode;
  if (!props.tenantId) {
    body = <Typography>{t('common.notATenant')}</Typography>;
  } else if (capability.loading || permission.loading) {
    body = <Progress />;
  } else if (!capability.available) {
    body = (
      <WarningPanel
        severity="info"
        title={t('common.notAvailable', { capability: props.capability })}
      />
    );
  } else if (!permission.allowed) {
    body = <Typography>{t('common.notPermitted')}</Typography>;
  } else {
    body = props.children;
  }
  return (
    <InfoCard title={props.title} action={props.action}>
      <div dir={dir} data-testid="docuchat-card-body">
        {body}
      </div>
    </InfoCard>
  );
}
