import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { docuchatTranslationRef } from '../../translation';

/**
 * "Delete for good?" before a conversation or document goes. The text names
 * what a user uploaded or typed, so it reads in its own direction.
 */
export function ConfirmDeleteDialog(props: {
  open: boolean;
  title: string;
  text: string;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useTranslationRef(docuchatTranslationRef);
  return (
    <Dialog open={props.open} onClose={props.onCancel}>
      <DialogTitle>{props.title}</DialogTitle>
      <DialogContent>
        <Typography dir="auto">{props.text}</Typography>
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>{t('conversations.cancel')}</Button>
        <Button color="secondary" onClick={props.onConfirm}>
          {t('conversations.delete')}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
