import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { SourceSyncError } from '@docuchat/backstage-plugin-docuchat-common';

/** One document a source read: a TechDocs page or an entity. */
export interface SourcePage {
  /** Stable within the source: the entity ref, plus the page path for TechDocs. */
  key: string;
  title: string;
  /** The portal page it cites. */
  url: string;
  contentType: string;
  content: Buffer;
}

/** What a source read found. */
export interface SourceReadResult {
  /** Entities matched (and readable): their pages are current or gone. */
  entityRefs: string[];
  pages: SourcePage[];
  /** Entities or pages that could not be read. */
  errors: SourceSyncError[];
  /**
   * Entities whose pages could not be listed (their docs failed to build or
   * load): the pages stored for them are kept, not removed.
   */
  unreadEntityRefs: string[];
}

/** How a reader reaches the portal. */
export interface SourceReadAccess {
  /**
   * The user on whose behalf the catalog and TechDocs are read (their
   * permissions apply), or the plugin's own service credentials.
   */
  credentials: BackstageCredentials;
  /** Read only these entities (the schedule: what a user last admitted). */
  onlyRefs?: string[];
}

/** Reads a kind of source (`techdocs`, `catalog`). */
export interface SourceReader {
  read(filter: string, access: SourceReadAccess): Promise<SourceReadResult>;
}
