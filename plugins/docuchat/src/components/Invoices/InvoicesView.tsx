import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Invoice } from '@docuchat/backstage-plugin-docuchat-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { docuchatApiRef } from '../../api';
import { useEntityPagesI18n } from '../EntityPagesCommon';
import { InvoicesTable } from './InvoicesTable';

/** A tenant's invoices, newest first, a page at a time. */
export function InvoicesView(props: { tenantId: string; pageSize?: number }) {
  const api = useApi(docuchatApiRef);
  const { t, format } = useEntityPagesI18n();
  const limit = props.pageSize ?? 10;
  const [page, setPage] = useState(0);
  const [items, setItems] = useState<Invoice[]>();
  const { loading, error, value } = useAsync(
    () =>
      api.listTenantInvoices(props.tenantId, { limit, offset: page * limit }),
    [api, props.tenantId, page, limit],
  );
  useEffect(() => setItems(value?.items), [value]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!items) return null;
  if (items.length === 0 && page === 0) {
    return <Typography>{t('invoices.empty')}</Typography>;
  }
  const replace = (updated: Invoice) =>
    setItems(items.map(i => (i.id === updated.id ? updated : i)));
  return (
    <>
      <InvoicesTable
        tenantId={props.tenantId}
        invoices={items}
        onChange={replace}
      />
      <Box
        display="flex"
        alignItems="center"
        justifyContent="flex-end"
        style={{ gap: 8 }}
        mt={1}
      >
        <Button
          size="small"
          disabled={page === 0}
          onClick={() => setPage(page - 1)}
        >
          {t('common.previous')}
        </Button>
        <Typography variant="caption">
          {t('common.page', { page: format.number(page + 1) })}
        </Typography>
        <Button
          size="small"
          disabled={items.length < limit}
          onClick={() => setPage(page + 1)}
        >
          {t('common.next')}
        </Button>
      </Box>
    </>
  );
}
