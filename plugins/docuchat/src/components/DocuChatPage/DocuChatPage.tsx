import {
  Content,
  EmptyState,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import {
  docuchatTenantCreatePermission,
  DocumentSummary,
  Tenant,
} from '@docuchat/backstage-plugin-docuchat-common';
import { useCallback, useEffect, useState } from 'react';
import {
  Link,
  Navigate,
  Route,
  Routes,
  useNavigate,
  useParams,
} from 'react-router-dom';
import { docuchatApiRef } from '../../api';
import { docuchatTranslationRef } from '../../translation';
import { ChatView } from '../Chat/ChatView';
import { useLocale } from '../common/useLocale';
import { useReloadableAsync } from '../common/useReloadableAsync';
import { DocumentsView } from '../Documents/DocumentsView';
import { TenantAdmin } from '../TenantAdmin/TenantAdmin';
import { TenantPicker } from './TenantPicker';
import { rootRouteRef } from '../../routes';

/** Where the last tenant used is remembered, per browser. */
export const LAST_TENANT_KEY = 'docuchat.lastTenant';

function rememberedTenant(tenants: Tenant[]): string | undefined {
  const last = window.localStorage.getItem(LAST_TENANT_KEY);
  return tenants.find(t => t.id === last)?.id ?? tenants[0]?.id;
}

/**
 * The DocuChat page: `/docuchat` opens the last tenant used;
 * `/docuchat/tenants/:tenantId` chats, `.../documents` manages documents,
 * `.../manage` is the tenant admin (operators only).
 */
export const DocuChatPage = () => {
  const api = useApi(docuchatApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  const { dir, language } = useLocale();
  const tenants = useReloadableAsync(() => api.listTenants(), [api]);

  let body;
  if (tenants.loading && !tenants.value) body = <Progress />;
  else if (tenants.error) body = <ResponseErrorPanel error={tenants.error} />;
  else if (tenants.value && tenants.value.length === 0) {
    body = (
      <EmptyState
        missing="info"
        title={t('page.title')}
        description={t('page.noTenants')}
      />
    );
  }
  const list = tenants.value ?? [];
  return (
    <Page themeId="tool">
      <Header title={t('page.title')} subtitle={t('page.subtitle')} />
      <Content>
        <div dir={dir} lang={language} data-testid="docuchat-root">
          {body ?? (
            <Routes>
              <Route
                path="/"
                element={
                  <Navigate to={`tenants/${rememberedTenant(list)}`} replace />
                }
              />
              <Route
                path="/tenants/:tenantId/*"
                element={
                  <TenantPages
                    tenants={list}
                    onTenantsChanged={tenants.reload}
                  />
                }
              />
            </Routes>
          )}
        </div>
      </Content>
    </Page>
  );
};

function TenantPages(props: {
  tenants: Tenant[];
  onTenantsChanged: () => void;
}) {
  const { tenants, onTenantsChanged } = props;
  const { tenantId = '' } = useParams();
  const section = useParams()['*'] ?? '';
  const navigate = useNavigate();
  const root = useRouteRef(rootRouteRef)();
  const api = useApi(docuchatApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  const { allowed: isAdmin } = usePermission({
    permission: docuchatTenantCreatePermission,
  });
  const tenant = tenants.find(x => x.id === tenantId);
  const [documents, setDocuments] = useState<DocumentSummary[]>();

  useEffect(() => {
    if (tenant) window.localStorage.setItem(LAST_TENANT_KEY, tenant.id);
  }, [tenant]);
  useEffect(() => {
    setDocuments(undefined);
    if (!tenant) return;
    api.listDocuments(tenant.id).then(setDocuments, () => setDocuments([]));
  }, [api, tenant]);
  const onDocumentsChange = useCallback(
    (items: DocumentSummary[]) => setDocuments(items),
    [],
  );

  const base = `${root}/tenants/${encodeURIComponent(tenantId)}`;
  let tab = 'chat';
  if (section.startsWith('documents')) tab = 'documents';
  if (section.startsWith('manage')) tab = 'manage';
  return (
    <>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 16 }}
        mb={2}
      >
        <TenantPicker
          tenants={tenants}
          value={tenant?.id}
          onChange={id => navigate(`${root}/tenants/${id}/${section}`)}
        />
        <Tabs value={tab} indicatorColor="primary" textColor="primary">
          <Tab
            value="chat"
            label={t('page.tabs.chat')}
            component={Link}
            to={base}
          />
          <Tab
            value="documents"
            label={t('page.tabs.documents')}
            component={Link}
            to={`${base}/documents`}
          />
          {isAdmin && (
            <Tab
              value="manage"
              label={t('page.tabs.tenants')}
              component={Link}
              to={`${base}/manage`}
            />
          )}
        </Tabs>
      </Box>
      {!tenant ? (
        <ResponseErrorPanel
          error={new Error(t('errors.notFound', { message: tenantId }))}
        />
      ) : (
        <Routes>
          <Route
            path="/"
            element={
              documents ? (
                <ChatView
                  tenantId={tenant.id}
                  hasDocuments={documents.length > 0}
                  documentsLink={`${base}/documents`}
                />
              ) : (
                <Progress />
              )
            }
          />
          <Route
            path="/documents"
            element={
              <DocumentsView
                tenantId={tenant.id}
                onChange={onDocumentsChange}
              />
            }
          />
          <Route
            path="/manage"
            element={
              <TenantAdmin
                tenant={tenant}
                onChanged={saved => {
                  onTenantsChanged();
                  navigate(`${root}/tenants/${saved.id}/manage`);
                }}
              />
            }
          />
        </Routes>
      )}
    </>
  );
}
