import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import ThumbDownIcon from '@material-ui/icons/ThumbDown';
import ThumbUpIcon from '@material-ui/icons/ThumbUp';
import { AnswerFeedback } from '@docuchat/backstage-plugin-docuchat-common';
import { useState } from 'react';
import { docuchatTranslationRef } from '../../translation';

/** Thumbs up / down on an answer, with an optional reason for "down". */
export function FeedbackButtons(props: {
  value?: AnswerFeedback;
  onSend: (feedback: AnswerFeedback) => Promise<void>;
}) {
  const { t } = useTranslationRef(docuchatTranslationRef);
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const rating = props.value?.rating;
  const send = async (feedback: AnswerFeedback) => {
    await props.onSend(feedback);
    setAsking(false);
  };
  return (
    <Box display="inline-flex" alignItems="center" style={{ gap: 4 }}>
      <Tooltip title={t('feedback.up')}>
        <IconButton
          size="small"
          aria-label={t('feedback.up')}
          aria-pressed={rating === 'up'}
          color={rating === 'up' ? 'primary' : 'default'}
          onClick={() => send({ rating: 'up' })}
        >
          <ThumbUpIcon fontSize="small" />
        </IconButton>
      </Tooltip>
      <Tooltip title={t('feedback.down')}>
        <IconButton
          size="small"
          aria-label={t('feedback.down')}
          aria-pressed={rating === 'down'}
          color={rating === 'down' ? 'secondary' : 'default'}
          onClick={() => setAsking(true)}
        >
          <ThumbDownIcon fontSize="small" />
        </IconButton>
      </Tooltip>
      {asking && (
        <Box display="inline-flex" alignItems="center" style={{ gap: 4 }}>
          <TextField
            id="docuchat-feedback-reason"
            size="small"
            label={t('feedback.reasonLabel')}
            value={reason}
            onChange={e => setReason(e.target.value)}
            inputProps={{ maxLength: 1000, dir: 'auto' }}
          />
          <Button
            size="small"
            onClick={() =>
              send({ rating: 'down', reason: reason.trim() || undefined })
            }
          >
            {t('feedback.submit')}
          </Button>
        </Box>
      )}
    </Box>
  );
}
