import { Link } from '@backstage/core-components';
import {
  docuchatInvoicesPayPermission,
  Invoice,
} from '@docuchat/backstage-plugin-docuchat-common';
import { usePermission } from '@backstage/plugin-permission-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { useInvoiceLink } from '../../entityPagesRoutes';
import { useEntityPagesI18n } from '../EntityPagesCommon';
import { InvoiceStatusChip } from './InvoiceStatusChip';
import { invoiceTokens, isPayable } from './invoiceTokens';
import { PayButton } from './PayButton';

/** Invoices as rows: period, tokens, amount, status, payment, paid at. */
export function InvoicesTable(props: {
  tenantId: string;
  invoices: Invoice[];
  onChange: (invoice: Invoice) => void;
}) {
  const { t, format } = useEntityPagesI18n();
  const invoicePath = useInvoiceLink();
  const pay = usePermission({
    permission: docuchatInvoicesPayPermission,
    resourceRef: props.tenantId,
  });
  return (
    <Table size="small" aria-label={t('invoices.title')}>
      <TableHead>
        <TableRow>
          <TableCell>{t('invoices.period')}</TableCell>
          <TableCell align="right">{t('invoices.tokens')}</TableCell>
          <TableCell align="right">{t('invoices.amount')}</TableCell>
          <TableCell>{t('invoices.status')}</TableCell>
          <TableCell>{t('invoices.payment')}</TableCell>
          <TableCell>{t('invoices.paidAt')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.invoices.map(invoice => {
          const tokens = invoiceTokens(invoice);
          const payable = isPayable(invoice);
          return (
            <TableRow key={invoice.id} data-testid={`invoice-${invoice.id}`}>
              <TableCell>
                {invoicePath ? (
                  <Link
                    to={invoicePath({
                      tenantId: invoice.tenantId,
                      invoiceId: invoice.id,
                    })}
                  >
                    {format.day(invoice.period)}
                  </Link>
                ) : (
                  format.day(invoice.period)
                )}
              </TableCell>
              <TableCell align="right">
                {tokens === undefined ? '—' : format.number(tokens)}
              </TableCell>
              <TableCell align="right">
                {t('common.tomans', {
                  amount: format.tomans(invoice.amountRials),
                })}
              </TableCell>
              <TableCell>
                <InvoiceStatusChip status={invoice.status} />
              </TableCell>
              <TableCell>
                {payable && invoice.payment.url && (
                  <Link to={invoice.payment.url} target="_blank">
                    {t('invoices.payLink')}
                  </Link>
                )}{' '}
                {payable && pay.allowed && (
                  <PayButton invoice={invoice} onPaymentLink={props.onChange} />
                )}
              </TableCell>
              <TableCell>
                {invoice.payment.paidAt
                  ? format.dateTime(invoice.payment.paidAt)
                  : ''}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
