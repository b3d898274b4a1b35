import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi, useRouteRefParams } from '@backstage/core-plugin-api';
import { Invoice } from '@internal/backstage-plugin-docuchat-common';
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
import { useEntityPagesI18n } from '../EntityPagesCommon';
import { InvoicesTable } from './InvoicesTable';

/**
 * `/docuchat/tenants/:tenantId/invoices/:invoiceId`: one invoice with its
 * lines and payment state; where the payment callback sends the payer.
 */
export function InvoicePage() {
  const { tenantId, invoiceId } = useRouteRefParams(invoiceRouteRef);
  return <InvoiceDetails tenantId={tenantId} invoiceId={invoiceId} />;
}

export function InvoiceDetails(props: { tenantId: string; invoiceId: string }) {
  const api = useApi(docuchatApiRef);
  const { t, format, dir } = useEntityPagesI18n();
  const { value, loading, error } = useAsync(
    () => api.getTenantInvoice(props.tenantId, props.invoiceId),
    [api, props.tenantId, props.invoiceId],
  );
  const [invoice, setInvoice] = useState<Invoice>();
  useEffect(() => setInvoice(value), [value]);

  return (
    <Page themeId="tool">
      <Header
        title={t('invoices.invoice', { id: props.invoiceId })}
        subtitle={props.tenantId}
      />
      <Content>
        {loading && <Progress />}
        {error && <ResponseErrorPanel error={error} />}
        {invoice && (
          <div dir={dir}>
            <InfoCard title={t('invoices.title')}>
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
            </InfoCard>
            <InfoCard title={t('invoices.lines')}>
              <Table size="small" aria-label={t('invoices.lines')}>
                <TableHead>
                  <TableRow>
                    <TableCell>{t('invoices.kind')}</TableCell>
                    <TableCell>{t('usage.model')}</TableCell>
                    <TableCell align="right">
                      {t('usage.promptTokens')}
                    </TableCell>
                    <TableCell align="right">
                      {t('usage.completionTokens')}
                    </TableCell>
                    <TableCell align="right">{t('invoices.amount')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {(invoice.lines ?? []).map((line, index) => (
                    <TableRow key={index}>
                      <TableCell>
                        {line.kind}
                        {line.usageDay ? ` (${format.day(line.usageDay)})` : ''}
                        {line.sourceInvoiceId
                          ? ` ← ${line.sourceInvoiceId}`
                          : ''}
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
            </InfoCard>
          </div>
        )}
      </Content>
    </Page>
  );
}
