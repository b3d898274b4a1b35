import { useTranslationRef } from '@backstage/frontend-plugin-api';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { Tenant } from '@docuchat/backstage-plugin-docuchat-common';
import { docuchatTranslationRef } from '../../translation';

/** The tenants the user may use; the backend lists only those. */
export function TenantPicker(props: {
  tenants: Tenant[];
  value?: string;
  onChange: (tenantId: string) => void;
}) {
  const { t } = useTranslationRef(docuchatTranslationRef);
  return (
    <TextField
      id="docuchat-tenant"
      select
      size="small"
      variant="outlined"
      label={t('page.tenant')}
      value={props.value ?? ''}
      onChange={e => props.onChange(e.target.value)}
      style={{ minWidth: 220, background: 'white', borderRadius: 4 }}
      SelectProps={{
        SelectDisplayProps: { 'aria-label': t('page.tenant') } as any,
      }}
      inputProps={{ 'data-testid': 'docuchat-tenant-picker' }}
    >
      {props.tenants.map(tenant => (
        <MenuItem key={tenant.id} value={tenant.id}>
          {tenant.displayName} ({tenant.id})
        </MenuItem>
      ))}
    </TextField>
  );
}
