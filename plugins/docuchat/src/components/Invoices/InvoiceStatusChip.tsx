import { InvoiceStatus } from '@docuchat/backstage-plugin-docuchat-common';
import Chip from '@material-ui/core/Chip';
import { useEntityPagesI18n } from '../EntityPagesCommon';

const COLOURS: Record<InvoiceStatus, 'default' | 'primary' | 'secondary'> = {
  issued: 'primary',
  paid: 'default',
  carried: 'default',
  failed: 'secondary',
  expired: 'secondary',
  void: 'default',
};

export function InvoiceStatusChip(props: { status: InvoiceStatus }) {
  const { t } = useEntityPagesI18n();
  return (
    <Chip
      size="small"
      color={COLOURS[props.status]}
      label={t(`invoices.status_${props.status}`)}
    />
  );
}
