import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  INVOICE_STATUSES,
  OperatorInvoiceList,
} from '@docuchat/backstage-plugin-docuchat-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { useEntityPagesI18n } from '../EntityPagesCommon';
import { InvoiceStatusChip } from '../Invoices/InvoiceStatusChip';

/** Count and amount of the range's invoices per status. */
export function InvoicesByStatus(props: {
  invoices?: OperatorInvoiceList;
  loading: boolean;
  error?: Error;
}) {
  const { t, format } = useEntityPagesI18n();
  const byStatus = props.invoices?.totals.byStatus ?? {};
  return (
    <InfoCard title={t('admin.invoicesByStatus')}>
      {props.loading && <Progress />}
      {props.error && <ResponseErrorPanel error={props.error} />}
      {props.invoices && !props.loading && (
        <Table size="small" aria-label={t('admin.invoicesByStatus')}>
          <TableHead>
            <TableRow>
              <TableCell>{t('invoices.status')}</TableCell>
              <TableCell align="right">{t('admin.count')}</TableCell>
              <TableCell align="right">{t('invoices.amount')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {INVOICE_STATUSES.map(status => (
              <TableRow key={status} data-testid={`status-${status}`}>
                <TableCell>
                  <InvoiceStatusChip status={status} />
                </TableCell>
                <TableCell align="right">
                  {format.number(byStatus[status]?.count ?? 0)}
                </TableCell>
                <TableCell align="right">
                  {t('common.tomans', {
                    amount: format.tomans(byStatus[status]?.amountRials ?? 0),
                  })}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </InfoCard>
  );
}
