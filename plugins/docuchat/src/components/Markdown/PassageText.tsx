import Typography from '@material-ui/core/Typography';
import { SafeMarkdown } from './SafeMarkdown';

/**
 * A stored passage (a chunk of a tenant document) as its document wrote it:
 * Markdown sources keep their headings, lists and code instead of showing
 * `# Backups` as text; other formats' plain text reads as paragraphs.
 */
export function PassageText(props: { text: string }) {
  return (
    <Typography variant="body2" component="div" dir="auto">
      <SafeMarkdown text={props.text} />
    </Typography>
  );
}
