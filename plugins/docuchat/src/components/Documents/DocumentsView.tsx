import {
  InfoCard,
  Link,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import DeleteIcon from '@material-ui/icons/Delete';
import RefreshIcon from '@material-ui/icons/Refresh';
import {
  docuchatDocumentsManagePermission,
  DocumentSummary,
} from '@docuchat/backstage-plugin-docuchat-common';
import { useCallback, useEffect, useState } from 'react';
import { docuchatApiRef } from '../../api';
import { docuchatTranslationRef } from '../../translation';
import { ConfirmDeleteDialog } from '../common/ConfirmDeleteDialog';
import { describeError } from '../common/describeError';
import { useLocale } from '../common/useLocale';
import { PassageDialog } from './PassageDialog';
import { PassageSearch } from './PassageSearch';
import { UploadArea } from './UploadArea';

/** How often the list refreshes while a document is queued or processing. */
export const PENDING_POLL_MS = 2000;

/** A tenant's documents: upload, status, delete, reindex, passage search. */
export function DocumentsView(props: {
  tenantId: string;
  onChange?: (documents: DocumentSummary[]) => void;
}) {
  const { tenantId, onChange } = props;
  const api = useApi(docuchatApiRef);
  const alertApi = useApi(alertApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  const { formatNumber, formatDate } = useLocale();
  const { allowed: canManage } = usePermission({
    permission: docuchatDocumentsManagePermission,
    resourceRef: tenantId,
  });
  const [documents, setDocuments] = useState<DocumentSummary[]>();
  const [error, setError] = useState<Error>();
  const [deleting, setDeleting] = useState<DocumentSummary>();

  const load = useCallback(async () => {
    try {
      const items = await api.listDocuments(tenantId);
      setDocuments(items);
      setError(undefined);
      onChange?.(items);
    } catch (e) {
      setError(e as Error);
    }
  }, [api, tenantId, onChange]);
  useEffect(() => {
    load();
  }, [load]);
  const pending = documents?.some(
    d => d.status === 'queued' || d.status === 'processing',
  );
  useEffect(() => {
    if (!pending) return undefined;
    const timer = setInterval(load, PENDING_POLL_MS);
    return () => clearInterval(timer);
  }, [pending, load]);

  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
    } catch (e) {
      alertApi.post({ message: describeError(e, t), severity: 'error' });
    }
    await load();
  };

  const statusCell = (d: DocumentSummary) => {
    const label = t(`documents.status.${d.status}` as 'documents.status.ready');
    switch (d.status) {
      case 'ready':
        return <StatusOK>{label}</StatusOK>;
      case 'failed':
        return (
          <StatusError>
            {label}
            {d.error ? `: ${d.error}` : ''}
          </StatusError>
        );
      case 'processing':
        return <StatusRunning>{label}</StatusRunning>;
      default:
        return <StatusPending>{label}</StatusPending>;
    }
  };
  const columns: TableColumn<DocumentSummary>[] = [
    {
      title: t('documents.columns.title'),
      field: 'title',
      render: d =>
        d.origin ? (
          <>
            <Link to={d.origin.url} dir="auto">
              {d.title}
            </Link>
            <Typography variant="caption" color="textSecondary" display="block">
              {t('documents.fromSource')}
            </Typography>
          </>
        ) : (
          <span dir="auto">{d.title}</span>
        ),
    },
    {
      title: t('documents.columns.status'),
      field: 'status',
      render: statusCell,
    },
    {
      title: t('documents.columns.chunks'),
      field: 'chunkCount',
      render: d => formatNumber(d.chunkCount),
    },
    {
      title: t('documents.columns.size'),
      field: 'sizeBytes',
      render: d => `${formatNumber(Math.ceil(d.sizeBytes / 1024))} KB`,
    },
    {
      title: t('documents.columns.date'),
      field: 'createdAt',
      render: d => formatDate(d.createdAt),
    },
  ];
  if (canManage) {
    columns.push({
      title: t('documents.columns.actions'),
      sorting: false,
      // A source's documents follow the source (Tenants tab), not the user.
      render: d =>
        d.origin ? null : (
          <>
            <IconButton
              size="small"
              aria-label={t('documents.reindex', { title: d.title })}
              disabled={d.status === 'queued' || d.status === 'processing'}
              onClick={() => act(() => api.reindexDocument(tenantId, d.id))}
            >
              <RefreshIcon fontSize="small" />
            </IconButton>
            <IconButton
              size="small"
              aria-label={t('documents.delete', { title: d.title })}
              onClick={() => setDeleting(d)}
            >
              <DeleteIcon fontSize="small" />
            </IconButton>
          </>
        ),
    });
  }

  return (
    <Grid container spacing={2}>
      {canManage && (
        <Grid item xs={12} md={5}>
          <InfoCard title={t('documents.uploadTitle')}>
            <UploadArea tenantId={tenantId} onUploaded={load} />
          </InfoCard>
        </Grid>
      )}
      <Grid item xs={12} md={canManage ? 7 : 12}>
        <InfoCard title={t('documents.searchTitle')}>
          <PassageSearch tenantId={tenantId} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        {error ? (
          <ResponseErrorPanel error={error} />
        ) : (
          <Table<DocumentSummary>
            title={t('documents.listTitle')}
            isLoading={!documents}
            data={documents ?? []}
            columns={columns}
            options={{ paging: false, search: false, padding: 'dense' }}
            emptyContent={
              <Typography style={{ padding: 16 }}>
                {t('documents.empty')}
              </Typography>
            }
          />
        )}
      </Grid>
      <PassageDialog tenantId={tenantId} />
      <ConfirmDeleteDialog
        open={!!deleting}
        title={t('documents.deleteTitle')}
        text={t('documents.deleteText', { title: deleting?.title ?? '' })}
        onCancel={() => setDeleting(undefined)}
        onConfirm={() => {
          const doc = deleting!;
          setDeleting(undefined);
          act(() => api.deleteDocument(tenantId, doc.id));
        }}
      />
    </Grid>
  );
}
