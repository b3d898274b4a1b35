import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { Tenant } from '@docuchat/backstage-plugin-docuchat-common';
import { FormEvent, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { docuchatApiRef } from '../../api';
import { docuchatTranslationRef } from '../../translation';
import { describeError } from '../common/describeError';

/** Creates a tenant, or edits `tenant` when given. The backend validates. */
export function TenantForm(props: {
  tenant?: Tenant;
  onSaved: (tenant: Tenant) => void;
}) {
  const { tenant, onSaved } = props;
  const api = useApi(docuchatApiRef);
  const catalogApi = useApi(catalogApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  const groups = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Group' },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return items.map(entity => ({
      ref: stringifyEntityRef(entity),
      title: entity.metadata.title ?? entity.metadata.name,
    }));
  }, [catalogApi]);
  const [form, setForm] = useState({
    id: tenant?.id ?? '',
    displayName: tenant?.displayName ?? '',
    ownerRef: tenant?.ownerRef ?? '',
    contactEmail: tenant?.contactEmail ?? '',
    mobile: tenant?.mobile ?? '',
  });
  const [error, setError] = useState<string>();
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (e: { target: { value: string } }) =>
      setForm(old => ({ ...old, [name]: e.target.value })),
    id: `docuchat-tenant-${tenant ? 'edit' : 'new'}-${name}`,
    fullWidth: true,
    margin: 'dense' as const,
    variant: 'outlined' as const,
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const optional = {
      contactEmail: form.contactEmail.trim() || undefined,
      mobile: form.mobile.trim() || undefined,
    };
    try {
      const saved = tenant
        ? await api.updateTenant(tenant.id, {
            displayName: form.displayName,
            ownerRef: form.ownerRef,
            ...optional,
          })
        : await api.createTenant({
            id: form.id.trim(),
            displayName: form.displayName,
            ownerRef: form.ownerRef,
            ...optional,
          });
      setError(undefined);
      onSaved(saved);
    } catch (e) {
      setError(describeError(e, t));
    }
  };
  const owners = groups.value ?? [];
  const ownerKnown = owners.some(g => g.ref === form.ownerRef);
  return (
    <form onSubmit={submit}>
      {!tenant && (
        <TextField {...field('id')} label={t('tenants.id')} required />
      )}
      <TextField
        {...field('displayName')}
        label={t('tenants.displayName')}
        required
        inputProps={{ dir: 'auto' }}
      />
      <TextField
        {...field('ownerRef')}
        select
        label={t('tenants.owner')}
        required
      >
        {!ownerKnown && form.ownerRef && (
          <MenuItem value={form.ownerRef}>{form.ownerRef}</MenuItem>
        )}
        {owners.map(g => (
          <MenuItem key={g.ref} value={g.ref}>
            {g.title} ({g.ref})
          </MenuItem>
        ))}
      </TextField>
      <TextField
        {...field('contactEmail')}
        type="email"
        label={t('tenants.contactEmail')}
      />
      <TextField
        {...field('mobile')}
        label={t('tenants.mobile')}
        inputProps={{ dir: 'ltr', inputMode: 'tel' }}
      />
      {error && (
        <Typography color="error" role="alert">
          {error}
        </Typography>
      )}
      <Box mt={1}>
        <Button type="submit" variant="contained" color="primary">
          {tenant ? t('tenants.save') : t('tenants.create')}
        </Button>
      </Box>
    </form>
  );
}
