import { createTranslationRef } from '@backstage/frontend-plugin-api';

/**
 * Every text of the DocuChat page, in English; Persian lives in
 * `translations/fa.ts`. Numbers are formatted before interpolation (see
 * `useLocaleFormat`), so Persian shows Persian digits.
 *
 * @alpha
 */
export const docuchatTranslationRef = createTranslationRef({
  id: 'docuchat',
  messages: {
    page: {
      title: 'DocuChat',
      subtitle: 'Chat with your documents',
      tenant: 'Tenant',
      noTenants:
        'You may not use any DocuChat tenant yet. Ask an operator to add you to a tenant’s owner group.',
      tabs: { chat: 'Chat', documents: 'Documents', tenants: 'Tenants' },
    },
    errors: {
      unauthorized: 'Your session has expired. Sign in again.',
      forbidden: 'You are not allowed to do this.',
      notFound: 'Not found: {{message}}',
      conflict: 'Conflict: {{message}}',
      rateLimited: 'Too many requests. Wait a moment and try again.',
      unavailable: 'DocuChat is unavailable right now: {{message}}',
      generic: '{{message}}',
      streamBroken:
        'The answer broke off before it was complete. Retry to ask again.',
    },
    chat: {
      placeholder: 'Ask a question about this tenant’s documents',
      questionLabel: 'Question',
      hint: 'Enter sends, Shift+Enter starts a new line',
      length: '{{used}} / {{max}}',
      tooLong: 'Questions are limited to {{max}} characters',
      send: 'Send',
      stop: 'Stop',
      retry: 'Retry',
      copy: 'Copy answer',
      copied: 'Answer copied',
      newConversation: 'New conversation',
      thinking: 'Searching the documents…',
      you: 'You',
      assistant: 'DocuChat',
      model: 'Answered by {{model}}',
      fallbacks: 'after {{steps}}',
      cached: 'from cache',
      emptyTenant: 'This tenant has no documents yet',
      emptyTenantHint: 'Upload documents first; then ask about them here.',
      goToDocuments: 'Go to Documents',
      welcome: 'Ask anything about the documents of {{tenant}}.',
      citation: 'Source {{n}}: {{title}}',
      stopped: 'Stopped. Your question is back in the box.',
      answerLabel: 'Answer',
    },
    sources: {
      title: 'Sources',
      empty: 'Choose a citation [n] in an answer to read its passage here.',
      close: 'Close sources',
      passageGone:
        'This passage is no longer indexed (its document was deleted or re-ingested). Stored snippet:',
      loading: 'Loading the passage…',
      openPage: 'Open the page in the portal',
    },
    portalSources: {
      title: 'Sources',
      description:
        'TechDocs pages and catalog entities this tenant answers from, kept in sync (hourly and on demand). Their documents are read only.',
      kind: 'Kind',
      kinds: { techdocs: 'TechDocs', catalog: 'Catalog entities' },
      filter: 'Catalog filter',
      filterHelp:
        'key=value pairs joined by commas, e.g. kind=component,spec.owner=group:default/platform',
      add: 'Add source',
      added: 'Source added; its first sync is running',
      sync: 'Sync now',
      syncStarted: 'Sync of {{title}} started',
      delete: 'Delete {{title}}',
      deleteTitle: 'Delete this source?',
      deleteText:
        'Deletes “{{title}}” and the documents it made. The portal pages stay as they are.',
      empty: 'No sources yet.',
      syncing: 'Syncing…',
      never: 'Not synced yet',
      lastSync: 'Last sync {{date}} ({{trigger}})',
      counts:
        '{{added}} added · {{changed}} changed · {{removed}} removed · {{failed}} failed · {{unchanged}} unchanged',
      documents: '{{number}} documents',
      outcome: { ok: 'OK', partial: 'Partly', failed: 'Failed' },
    },
    portalSearch: {
      inTenant: 'DocuChat · {{tenant}}',
      resultType: 'DocuChat',
    },
    feedback: {
      up: 'Helpful answer',
      down: 'Unhelpful answer',
      reasonLabel: 'What was wrong? (optional)',
      submit: 'Send feedback',
      thanks: 'Thanks for your feedback',
    },
    conversations: {
      title: 'Conversations',
      search: 'Search conversations',
      empty: 'No conversations yet',
      noMatch: 'No conversation matches',
      loadMore: 'Load more',
      rename: 'Rename',
      renameTitle: 'Rename conversation',
      titleLabel: 'Title',
      delete: 'Delete',
      deleteTitle: 'Delete this conversation?',
      deleteText: '“{{title}}” and its messages will be deleted for good.',
      cancel: 'Cancel',
      save: 'Save',
    },
    documents: {
      fromSource: 'From a source: read only',
      closePassage: 'Close',
      uploadTitle: 'Upload documents',
      dropHere:
        'Drop files here or choose them: Markdown, text, HTML, PDF or Word (.docx)',
      choose: 'Choose files',
      uploading: 'Uploading {{name}}',
      uploaded: '{{name}} uploaded',
      duplicate: '{{name}} is already uploaded',
      failed: '{{name}}: {{reason}}',
      tooLarge: 'the file is too large ({{message}})',
      unsupported: 'this format is not supported ({{message}})',
      unreadable: 'the file could not be read ({{message}})',
      listTitle: 'Documents',
      columns: {
        title: 'Title',
        status: 'Status',
        chunks: 'Passages',
        size: 'Size',
        date: 'Uploaded',
        actions: 'Actions',
      },
      status: {
        queued: 'queued',
        processing: 'processing',
        ready: 'ready',
        failed: 'failed',
      },
      delete: 'Delete {{title}}',
      deleteTitle: 'Delete this document?',
      deleteText:
        '“{{title}}” and its passages will be deleted; answers can no longer cite it.',
      reindex: 'Reindex {{title}}',
      empty: 'No documents yet',
      searchTitle: 'Search passages',
      searchLabel: 'Search the documents',
      searchHelp:
        'Shows the ranked passages a question retrieves: why an answer cited what it cited.',
      noHits: 'No passage matches',
      score: 'score {{score}}',
    },
    tenants: {
      createTitle: 'Create a tenant',
      editTitle: 'Edit {{tenant}}',
      id: 'Tenant id',
      displayName: 'Display name',
      owner: 'Owner group',
      contactEmail: 'Contact email',
      mobile: 'Mobile (09…)',
      create: 'Create tenant',
      save: 'Save changes',
      created: 'Tenant {{tenant}} created',
      saved: 'Tenant {{tenant}} saved',
    },
  },
  translations: {
    fa: () => import('./translations/fa'),
  },
});
