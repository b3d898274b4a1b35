import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import SendIcon from '@material-ui/icons/Send';
import StopIcon from '@material-ui/icons/Stop';
import { MAX_QUESTION_LENGTH } from '@docuchat/backstage-plugin-docuchat-common';
import { KeyboardEvent } from 'react';
import { docuchatTranslationRef } from '../../translation';
import { useLocale } from '../common/useLocale';

/** The question box: Enter sends, Shift+Enter starts a new line. */
export function Composer(props: {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  busy: boolean;
  disabled?: boolean;
}) {
  const { t } = useTranslationRef(docuchatTranslationRef);
  const { formatNumber } = useLocale();
  const { value, onChange, onSend, onStop, busy, disabled } = props;
  const tooLong = value.length > MAX_QUESTION_LENGTH;
  const canSend = !busy && !disabled && !tooLong && value.trim().length > 0;
  const onKeyDown = (event: KeyboardEvent) => {
    if (
      event.key === 'Enter' &&
      !event.shiftKey &&
      !event.nativeEvent.isComposing
    ) {
      event.preventDefault();
      if (canSend) onSend();
    }
  };
  return (
    <Box display="flex" alignItems="flex-end" style={{ gap: 8 }}>
      <TextField
        id="docuchat-question"
        InputLabelProps={{ shrink: true }}
        label={t('chat.questionLabel')}
        placeholder={t('chat.placeholder')}
        value={value}
        onChange={e => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        multiline
        minRows={2}
        maxRows={8}
        fullWidth
        variant="outlined"
        disabled={disabled}
        error={tooLong}
        inputProps={{
          dir: 'auto',
          'aria-describedby': 'docuchat-question-help',
        }}
        helperText={
          <Box component="span" display="flex" justifyContent="space-between">
            <span id="docuchat-question-help">
              {tooLong
                ? t('chat.tooLong', { max: formatNumber(MAX_QUESTION_LENGTH) })
                : t('chat.hint')}
            </span>
            <Typography component="span" variant="caption" aria-live="off">
              {t('chat.length', {
                used: formatNumber(value.length),
                max: formatNumber(MAX_QUESTION_LENGTH),
              })}
            </Typography>
          </Box>
        }
      />
      {busy ? (
        <Button
          variant="outlined"
          color="secondary"
          startIcon={<StopIcon />}
          onClick={onStop}
          style={{ marginBottom: 28 }}
        >
          {t('chat.stop')}
        </Button>
      ) : (
        <Button
          variant="contained"
          color="primary"
          startIcon={<SendIcon />}
          onClick={onSend}
          disabled={!canSend}
          style={{ marginBottom: 28 }}
        >
          {t('chat.send')}
        </Button>
      )}
    </Box>
  );
}
