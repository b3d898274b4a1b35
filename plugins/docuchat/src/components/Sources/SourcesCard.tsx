import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import SyncIcon from '@material-ui/icons/Sync';
import { Source, SourceKind } from '@docuchat/backstage-plugin-docuchat-common';
import { FormEvent, useEffect, useState } from 'react';
import { docuchatApiRef } from '../../api';
import { docuchatTranslationRef } from '../../translation';
import { ConfirmDeleteDialog } from '../common/ConfirmDeleteDialog';
import { describeError } from '../common/describeError';
import { useLocale } from '../common/useLocale';
import { useReloadableAsync } from '../common/useReloadableAsync';

/** How often the card refreshes while a source syncs. */
export const SYNC_POLL_MS = 2000;

/**
 * A tenant's sources (TechDocs, catalog entities): add one, sync it now,
 * delete it; each shows its last sync, counts and errors.
 */
export function SourcesCard(props: { tenantId: string }) {
  const { tenantId } = props;
  const api = useApi(docuchatApiRef);
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  const { formatNumber, formatDate } = useLocale();
  const sources = useReloadableAsync(
    () => api.listSources(tenantId),
    [api, tenantId],
  );
  const { reload } = sources;
  const [kind, setKind] = useState<SourceKind>('techdocs');
  const [filter, setFilter] = useState('');
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState<Source>();
  const [failure, setFailure] = useState<string>();

  const syncing = sources.value?.some(s => s.status === 'syncing');
  useEffect(() => {
    if (!syncing) return undefined;
    const timer = setInterval(reload, SYNC_POLL_MS);
    return () => clearInterval(timer);
  }, [syncing, reload]);

  const act = async (action: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await action();
      if (done) alertApi.post({ message: done, display: 'transient' });
    } catch (e) {
      // Shown in the card, next to the form or list it is about.
      setFailure(describeError(e, t));
    } finally {
      setBusy(false);
      reload();
    }
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    act(async () => {
      await api.createSource(tenantId, { kind, filter: filter.trim() });
      setFilter('');
    }, t('portalSources.added'));
  };

  const outcomeChip = (source: Source) => {
    if (source.status === 'syncing') {
      return <StatusRunning>{t('portalSources.syncing')}</StatusRunning>;
    }
    switch (source.lastSync?.outcome) {
      case 'ok':
        return <StatusOK>{t('portalSources.outcome.ok')}</StatusOK>;
      case 'partial':
        return (
          <StatusWarning>{t('portalSources.outcome.partial')}</StatusWarning>
        );
      case 'failed':
        return <StatusError>{t('portalSources.outcome.failed')}</StatusError>;
      default:
        return null;
    }
  };
  const details = (source: Source) => {
    const last = source.lastSync;
    if (!last?.finishedAt) {
      return source.status === 'syncing' ? null : t('portalSources.never');
    }
    const counts = Object.fromEntries(
      Object.entries(last.counts).map(([k, v]) => [k, formatNumber(v)]),
    ) as Record<keyof typeof last.counts, string>;
    return (
      <>
        {t('portalSources.lastSync', {
          date: formatDate(last.finishedAt),
          trigger: last.trigger,
        })}
        {' · '}
        {t('portalSources.documents', {
          number: formatNumber(source.documentCount),
        })}
        <Typography component="span" variant="caption" display="block">
          {t('portalSources.counts', counts)}
        </Typography>
        {last.errors.map(error => (
          <Typography
            key={error.key}
            component="span"
            variant="caption"
            color="error"
            display="block"
            dir="auto"
          >
            {error.key}: {error.message}
          </Typography>
        ))}
      </>
    );
  };

  return (
    <InfoCard title={t('portalSources.title')}>
      <Typography variant="body2" color="textSecondary" paragraph>
        {t('portalSources.description')}
      </Typography>
      {sources.loading && !sources.value && <Progress />}
      {sources.error && <ResponseErrorPanel error={sources.error} />}
      {sources.value && sources.value.length === 0 && (
        <Typography variant="body2">{t('portalSources.empty')}</Typography>
      )}
      {sources.value && sources.value.length > 0 && (
        <List dense aria-label={t('portalSources.title')}>
          {sources.value.map(source => (
            <ListItem key={source.id} divider alignItems="flex-start">
              <ListItemText
                primary={
                  <Box display="flex" alignItems="center" style={{ gap: 8 }}>
                    <span dir="auto">{source.title}</span>
                    {outcomeChip(source)}
                  </Box>
                }
                secondary={
                  <>
                    <Typography component="span" variant="caption">
                      {t(`portalSources.kinds.${source.kind}`)}
                      {/* Titles made up from the filter already show it. */}
                      {!source.title.includes(source.filter) && (
                        <>
                          {' · '}
                          <code>{source.filter}</code>
                        </>
                      )}
                    </Typography>
                    <br />
                    {details(source)}
                  </>
                }
                secondaryTypographyProps={{ component: 'div' }}
              />
              <IconButton
                size="small"
                aria-label={`${t('portalSources.sync')}: ${source.title}`}
                title={t('portalSources.sync')}
                disabled={busy || source.status === 'syncing'}
                onClick={() =>
                  act(
                    () => api.syncSource(tenantId, source.id),
                    t('portalSources.syncStarted', { title: source.title }),
                  )
                }
              >
                <SyncIcon fontSize="small" />
              </IconButton>
              <IconButton
                size="small"
                aria-label={t('portalSources.delete', { title: source.title })}
                disabled={busy || source.status === 'syncing'}
                onClick={() => setDeleting(source)}
              >
                <DeleteIcon fontSize="small" />
              </IconButton>
            </ListItem>
          ))}
        </List>
      )}
      {failure && (
        <Typography color="error" role="alert" variant="body2" dir="auto">
          {failure}
        </Typography>
      )}
      <Box
        component="form"
        onSubmit={add}
        display="flex"
        flexWrap="wrap"
        alignItems="flex-start"
        style={{ gap: 12 }}
        mt={2}
      >
        <TextField
          select
          id={`docuchat-source-kind-${tenantId}`}
          label={t('portalSources.kind')}
          value={kind}
          onChange={e => setKind(e.target.value as SourceKind)}
          variant="outlined"
          size="small"
          style={{ minWidth: 180 }}
        >
          <MenuItem value="techdocs">
            {t('portalSources.kinds.techdocs')}
          </MenuItem>
          <MenuItem value="catalog">
            {t('portalSources.kinds.catalog')}
          </MenuItem>
        </TextField>
        <TextField
          id={`docuchat-source-filter-${tenantId}`}
          label={t('portalSources.filter')}
          helperText={t('portalSources.filterHelp')}
          value={filter}
          onChange={e => setFilter(e.target.value)}
          variant="outlined"
          size="small"
          required
          style={{ flexGrow: 1, minWidth: 260 }}
          inputProps={{ dir: 'ltr' }}
        />
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={busy || !filter.trim()}
        >
          {t('portalSources.add')}
        </Button>
      </Box>
      <ConfirmDeleteDialog
        open={!!deleting}
        title={t('portalSources.deleteTitle')}
        text={t('portalSources.deleteText', { title: deleting?.title ?? '' })}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => {
          const source = deleting!;
          setDeleting(undefined);
          act(() => api.deleteSource(tenantId, source.id));
        }}
      />
    </InfoCard>
  );
}
