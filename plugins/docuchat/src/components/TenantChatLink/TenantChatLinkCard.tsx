import { InfoCard, Link } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { docuchatChatPermission } from '@docuchat/backstage-plugin-docuchat-common';
import ChatIcon from '@material-ui/icons/Chat';
import { usePermission } from '@backstage/plugin-permission-react';
import Typography from '@material-ui/core/Typography';
import { tenantIdOf, useEntityPagesI18n } from '../EntityPagesCommon';

/** The DocuChat page for one tenant: `/docuchat/tenants/<id>`. */
export function tenantChatPath(tenantId: string): string {
  return `/docuchat/tenants/${encodeURIComponent(tenantId)}`;
}

/** "Chat with these documents": a tenant entity's way into the chat page. */
export function TenantChatLinkCard() {
  const { entity } = useEntity();
  const tenantId = tenantIdOf(entity);
  const { t, dir } = useEntityPagesI18n();
  const chat = usePermission({
    permission: docuchatChatPermission,
    resourceRef: tenantId,
  });
  let body;
  if (!tenantId) body = <Typography>{t('common.notATenant')}</Typography>;
  else if (chat.loading) body = null;
  else if (!chat.allowed)
    body = <Typography>{t('common.notPermitted')}</Typography>;
  else
    body = (
      <Link to={tenantChatPath(tenantId)}>
        <ChatIcon fontSize="inherit" /> {t('chat.link')}
      </Link>
    );
  return (
    <InfoCard title={t('chat.title')}>
      <div dir={dir}>{body}</div>
    </InfoCard>
  );
}
