import {
  Content,
  Header,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRefParams } from '@backstage/core-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  docuchatInvoicesReadPermission,
  Invoice,
} from '@docuchat/backstage-plugin-docuchat-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { docuchatApiRef } from '../../api';
import { invoiceRouteRef } from '../../entityPagesRoutes';
import {
  DOCUCHAT_TENANT_ID_ANNOTATION,
  DocuchatCard,
  useEntityPagesI18n,
} from '../EntityPagesCommon';
import { InvoicesTable } from './InvoicesTable';

/**
 * `/docuchat/tenants/:tenantId/invoices/:invoiceId`: one invoice with its
 * lines and payment state; where the payment callback sends the payer.
 */
export function InvoicePage() {
  const { tenantId, invoiceId } = useRouteRefParams(invoiceRouteRef);
  const { t } = useEntityPagesI18n();
  return (
    <Page themeId="tool">
      <Header title={t('invoices.invoice', { id: invoiceId })} />
      <Content>
        <DocuchatCard
          title={t('invoices.details')}
          capability="billing"
          tenantId={tenantId}
          permission={docuchatInvoicesReadPermission}
          action={<TenantEntityLink tenantId={tenantId} />}
        >
          <InvoiceDetails tenantId={tenantId} invoiceId={invoiceId} />
        </DocuchatCard>
      </Content>
    </Page>
  );
}

/** The invoice's row (with its payment) and its lines. */
export function InvoiceDetails(props: { tenantId: string; invoiceId: string }) {
  const api = useApi(docuchatApiRef);
  const { t, format } = useEntityPagesI18n();
  const { value, loading, error } = useAsync(
    () => api.getTenantInvoice(props.tenantId, props.invoiceId),
    [api, props.tenantId, props.invoiceId],
  );
  const [invoice, setInvoice] = useState<Invoice>();
  useEffect(() => setInvoice(value), [value]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!invoice) return null;
  const lines = invoice.lines ?? [];
  return (
    <Box display="flex" flexDirection="column" style={{ gap: 24 }}>
      <InvoicesTable
        tenantId={props.tenantId}
        invoices={[invoice]}
        onChange={setInvoice}
      />
      {invoice.payment.refNumber && (
        <Typography variant="body2">
          {invoice.payment.refNumber} {invoice.payment.cardNumber}
        </Typography>
      )}
      <Typography variant="h6" component="h3">
        {t('invoices.lines')}
      </Typography>
      {lines.length === 0 ? (
        <Typography>{t('invoices.noLines')}</Typography>
      ) : (
        <Table size="small" aria-label={t('invoices.lines')}>
          <TableHead>
            <TableRow>
              <TableCell>{t('invoices.kind')}</TableCell>
              <TableCell>{t('usage.model')}</TableCell>
              <TableCell align="right">{t('usage.promptTokens')}</TableCell>
              <TableCell align="right">{t('usage.completionTokens')}</TableCell>
              <TableCell align="right">{t('invoices.amount')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {lines.map((line, index) => (
              <TableRow key={index}>
                <TableCell>
                  {line.kind}
                  {line.usageDay ? ` (${format.day(line.usageDay)})` : ''}
                  {line.sourceInvoiceId ? ` ← ${line.sourceInvoiceId}` : ''}
                </TableCell>
                <TableCell>{line.model ?? ''}</TableCell>
                <TableCell align="right">
                  {format.number(line.promptTokens)}
                </TableCell>
                <TableCell align="right">
                  {format.number(line.completionTokens)}
                </TableCell>
                <TableCell align="right">
                  {t('common.tomans', {
                    amount: format.tomans(line.amountRials),
                  })}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

/**
 * "Back to the tenant": the tenant's catalog entity, found by its
 * annotation (the payer arrives here from the gateway, not from the
 * catalog). Nothing while the catalog does not know the tenant.
 */
function TenantEntityLink(props: { tenantId: string }) {
  const catalogApi = useApi(catalogApiRef);
  const { t } = useEntityPagesI18n();
  const { value } = useAsync(
    async () =>
      (
        await catalogApi.getEntities({
          filter: {
            kind: 'Resource',
            'spec.type': 'docuchat-tenant',
            [`metadata.annotations.${DOCUCHAT_TENANT_ID_ANNOTATION}`]:
              props.tenantId,
          },
          fields: ['kind', 'metadata.name', 'metadata.namespace'],
          limit: 1,
        })
      ).items[0],
    [catalogApi, props.tenantId],
  );
  if (!value) return null;
  return (
    <EntityRefLink entityRef={value}>
      {t('invoices.backToTenant')}
    </EntityRefLink>
  );
}
