import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import CloudUploadIcon from '@material-ui/icons/CloudUpload';
import { DragEvent, useRef, useState } from 'react';
import { docuchatApiRef } from '../../api';
import { docuchatTranslationRef } from '../../translation';
import {
  backendMessage,
  describeError,
  statusOf,
} from '../common/describeError';
import { useLocale } from '../common/useLocale';

/** The five formats ingestion reads. */
export const ACCEPTED_FILES =
  '.md,.markdown,.txt,.html,.htm,.pdf,.docx,text/markdown,text/plain,text/html,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

interface UploadState {
  key: string;
  name: string;
  sent: number;
  total: number;
  state: 'uploading' | 'done' | 'duplicate' | 'failed';
  reason?: string;
}

const useStyles = makeStyles(theme => ({
  drop: {
    border: `2px dashed ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    padding: theme.spacing(3),
    textAlign: 'center',
  },
  active: { borderColor: theme.palette.primary.main },
}));

/**
 * Drag and drop or pick several files; each uploads with its own progress
 * and its own reason when the backend refuses it (413, 415, 422).
 */
export function UploadArea(props: {
  tenantId: string;
  onUploaded: () => void;
}) {
  const { tenantId, onUploaded } = props;
  const api = useApi(docuchatApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  const { formatNumber } = useLocale();
  const classes = useStyles();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [uploads, setUploads] = useState<UploadState[]>([]);

  const reasonOf = (error: unknown) => {
    const message = backendMessage(error);
    switch (statusOf(error)) {
      case 413:
        return t('documents.tooLarge', { message });
      case 415:
        return t('documents.unsupported', { message });
      case 422:
        return t('documents.unreadable', { message });
      default:
        return describeError(error, t);
    }
  };

  const uploadAll = (files: File[]) =>
    Promise.all(
      files.map(async (file, i) => {
        const key = `${Date.now()}-${i}-${file.name}`;
        const set = (change: Partial<UploadState>) =>
          setUploads(old =>
            old.map(u => (u.key === key ? { ...u, ...change } : u)),
          );
        setUploads(old => [
          {
            key,
            name: file.name,
            sent: 0,
            total: file.size,
            state: 'uploading',
          },
          ...old,
        ]);
        try {
          const result = await api.uploadDocument({
            tenantId,
            file,
            onProgress: (sent, total) => set({ sent, total }),
          });
          set({
            state: result.duplicate ? 'duplicate' : 'done',
            sent: file.size,
          });
          onUploaded();
        } catch (error) {
          set({ state: 'failed', reason: reasonOf(error) });
        }
      }),
    );

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    uploadAll(Array.from(event.dataTransfer.files));
  };

  return (
    <Box>
      <div
        className={`${classes.drop} ${dragging ? classes.active : ''}`}
        onDragOver={e => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <CloudUploadIcon color="primary" fontSize="large" />
        <Typography>{t('documents.dropHere')}</Typography>
        <Button
          variant="contained"
          color="primary"
          onClick={() => input.current?.click()}
          style={{ marginTop: 8 }}
        >
          {t('documents.choose')}
        </Button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          accept={ACCEPTED_FILES}
          aria-label={t('documents.choose')}
          data-testid="docuchat-file-input"
          onChange={e => {
            uploadAll(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
      </div>
      <Box mt={1} aria-live="polite">
        {uploads.map(u => (
          <Box key={u.key} mt={1}>
            <Typography
              variant="body2"
              color={u.state === 'failed' ? 'error' : 'textPrimary'}
              dir="auto"
            >
              {u.state === 'uploading' &&
                `${t('documents.uploading', { name: u.name })} ${formatNumber(
                  Math.round((100 * u.sent) / Math.max(u.total, 1)),
                )}%`}
              {u.state === 'done' && t('documents.uploaded', { name: u.name })}
              {u.state === 'duplicate' &&
                t('documents.duplicate', { name: u.name })}
              {u.state === 'failed' &&
                t('documents.failed', { name: u.name, reason: u.reason ?? '' })}
            </Typography>
            {u.state === 'uploading' && (
              <LinearProgress
                variant="determinate"
                value={(100 * u.sent) / Math.max(u.total, 1)}
                aria-label={t('documents.uploading', { name: u.name })}
              />
            )}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
