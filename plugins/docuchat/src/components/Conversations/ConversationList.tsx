import { useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import IconButton from '@material-ui/core/IconButton';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import AddIcon from '@material-ui/icons/Add';
import DeleteIcon from '@material-ui/icons/Delete';
import EditIcon from '@material-ui/icons/Edit';
import { ConversationSummary } from '@docuchat/backstage-plugin-docuchat-common';
import { useCallback, useEffect, useState } from 'react';
import { docuchatApiRef } from '../../api';
import { docuchatTranslationRef } from '../../translation';
import { ConfirmDeleteDialog } from '../common/ConfirmDeleteDialog';
import { describeError } from '../common/describeError';
import { useLocale } from '../common/useLocale';

const PAGE_SIZE = 20;

/**
 * The user's conversations in a tenant, newest first: search by title, load
 * more, open, rename, delete with confirm. `refreshKey` reloads it (after an
 * answer moved a conversation to the top).
 */
export function ConversationList(props: {
  tenantId: string;
  selectedId?: string;
  refreshKey: number;
  onOpen: (id: string) => void;
  onNew: () => void;
  onDeleted: (id: string) => void;
}) {
  const { tenantId, selectedId, refreshKey, onOpen, onNew, onDeleted } = props;
  const api = useApi(docuchatApiRef);
  const { t } = useTranslationRef(docuchatTranslationRef);
  const { formatDate } = useLocale();
  const [query, setQuery] = useState('');
  const [items, setItems] = useState<ConversationSummary[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string>();
  const [renaming, setRenaming] = useState<ConversationSummary>();
  const [newTitle, setNewTitle] = useState('');
  const [deleting, setDeleting] = useState<ConversationSummary>();

  const load = useCallback(
    async (before?: string) => {
      try {
        const page = await api.listConversations(tenantId, {
          limit: PAGE_SIZE,
          before,
          q: query.trim() || undefined,
        });
        setItems(old => (before ? [...old, ...page] : page));
        setMore(page.length === PAGE_SIZE);
        setError(undefined);
      } catch (e) {
        setError(describeError(e, t));
      }
    },
    [api, tenantId, query, t],
  );
  useEffect(() => {
    const timer = setTimeout(() => load(), query ? 250 : 0);
    return () => clearTimeout(timer);
  }, [load, refreshKey, query]);

  const rename = async () => {
    if (!renaming) return;
    try {
      const renamed = await api.renameConversation(
        tenantId,
        renaming.id,
        newTitle,
      );
      setItems(old => old.map(c => (c.id === renamed.id ? renamed : c)));
      setRenaming(undefined);
    } catch (e) {
      setError(describeError(e, t));
    }
  };
  const remove = async () => {
    if (!deleting) return;
    try {
      await api.deleteConversation(tenantId, deleting.id);
      setItems(old => old.filter(c => c.id !== deleting.id));
      onDeleted(deleting.id);
    } catch (e) {
      setError(describeError(e, t));
    }
    setDeleting(undefined);
  };

  return (
    <Box component="nav" aria-label={t('conversations.title')}>
      <Button
        fullWidth
        variant="outlined"
        color="primary"
        startIcon={<AddIcon />}
        onClick={onNew}
      >
        {t('chat.newConversation')}
      </Button>
      <TextField
        id="docuchat-conversation-search"
        fullWidth
        size="small"
        margin="dense"
        variant="outlined"
        label={t('conversations.search')}
        value={query}
        onChange={e => setQuery(e.target.value)}
        inputProps={{ dir: 'auto', type: 'search' }}
      />
      {error && (
        <Typography color="error" variant="body2" role="alert">
          {error}
        </Typography>
      )}
      {items.length === 0 && !error && (
        <Typography variant="body2" color="textSecondary">
          {query ? t('conversations.noMatch') : t('conversations.empty')}
        </Typography>
      )}
      <List dense disablePadding>
        {items.map(c => (
          <ListItem
            key={c.id}
            button
            selected={c.id === selectedId}
            onClick={() => onOpen(c.id)}
            aria-current={c.id === selectedId ? 'true' : undefined}
          >
            <ListItemText
              primary={<span dir="auto">{c.title}</span>}
              secondary={formatDate(c.updatedAt)}
              primaryTypographyProps={{ noWrap: true }}
              style={{ paddingInlineEnd: 56 }}
            />
            <ListItemSecondaryAction>
              <IconButton
                size="small"
                aria-label={`${t('conversations.rename')}: ${c.title}`}
                onClick={() => {
                  setRenaming(c);
                  setNewTitle(c.title);
                }}
              >
                <EditIcon fontSize="small" />
              </IconButton>
              <IconButton
                size="small"
                aria-label={`${t('conversations.delete')}: ${c.title}`}
                onClick={() => setDeleting(c)}
              >
                <DeleteIcon fontSize="small" />
              </IconButton>
            </ListItemSecondaryAction>
          </ListItem>
        ))}
      </List>
      {more && (
        <Button
          fullWidth
          onClick={() => load(items[items.length - 1]?.updatedAt)}
        >
          {t('conversations.loadMore')}
        </Button>
      )}

      <Dialog open={!!renaming} onClose={() => setRenaming(undefined)}>
        <DialogTitle>{t('conversations.renameTitle')}</DialogTitle>
        <DialogContent>
          <TextField
            id="docuchat-conversation-title"
            fullWidth
            label={t('conversations.titleLabel')}
            value={newTitle}
            onChange={e => setNewTitle(e.target.value)}
            inputProps={{ dir: 'auto', maxLength: 200 }}
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setRenaming(undefined)}>
            {t('conversations.cancel')}
          </Button>
          <Button color="primary" onClick={rename} disabled={!newTitle.trim()}>
            {t('conversations.save')}
          </Button>
        </DialogActions>
      </Dialog>
      <ConfirmDeleteDialog
        open={!!deleting}
        title={t('conversations.deleteTitle')}
        text={t('conversations.deleteText', { title: deleting?.title ?? '' })}
        onCancel={() => setDeleting(undefined)}
        onConfirm={remove}
      />
    </Box>
  );
}
