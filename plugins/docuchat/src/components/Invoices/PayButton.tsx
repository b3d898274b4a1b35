import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { Invoice } from '@docuchat/backstage-plugin-docuchat-common';
import Button from '@material-ui/core/Button';
import { useState } from 'react';
import { docuchatApiRef } from '../../api';
import { useEntityPagesI18n } from '../EntityPagesCommon';

/**
 * Asks the backend for a fresh payment link and opens it; the gateway's old
 * link may have expired.
 */
export function PayButton(props: {
  invoice: Invoice;
  onPaymentLink: (invoice: Invoice) => void;
}) {
  const api = useApi(docuchatApiRef);
  const alertApi = useApi(alertApiRef);
  const { t } = useEntityPagesI18n();
  const [busy, setBusy] = useState(false);
  const pay = async () => {
    setBusy(true);
    try {
      const updated = await api.requestPaymentLink(
        props.invoice.tenantId,
        props.invoice.id,
      );
      props.onPaymentLink(updated);
      if (updated.payment.url) {
        window.open(updated.payment.url, '_blank', 'noopener');
      }
    } catch (error) {
      alertApi.post({
        message: String((error as Error).message),
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button
      size="small"
      variant="contained"
      color="primary"
      disabled={busy}
      onClick={pay}
    >
      {busy ? t('invoices.paying') : t('invoices.pay')}
    </Button>
  );
}
