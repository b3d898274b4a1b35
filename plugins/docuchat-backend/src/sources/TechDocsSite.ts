import { Entity } from '@backstage/catalog-model';
import { techDocsSitePath } from './portalUrls';

// Pages of the generated site that are no documentation.
const SKIPPED_PAGES = /(^|\/)(404|search)\.html$/;

/** The TechDocs backend's HTTP API for one caller. */
export class TechDocsSite {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async get(path: string): Promise<Response> {
    const response = await fetch(`${this.baseUrl}/${path}`, {
      headers: { Authorization: `Bearer ${this.token}` },
    });
    if (!response.ok) {
      const body = await response.text().catch(() => '');
      const detail = /"message":"([^"]+)"/.exec(body)?.[1];
      throw new Error(
        `TechDocs answered ${response.status} ${
          response.statusText
        } for ${path}${detail ? `: ${detail}` : ''}`,
      );
    }
    return response;
  }

  /**
   * Brings the entity's site up to date (`GET /sync/…`, an event stream
   * that ends with `finish` or `error`).
   */
  async build(entity: Entity): Promise<void> {
    const response = await this.get(`sync/${techDocsSitePath(entity)}`);
    const stream = await response.text();
    const failure = /event: error\ndata: (.*)/.exec(stream);
    if (failure) {
      let message = failure[1];
      try {
        message = JSON.parse(message)?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new Error(`The TechDocs build failed: ${message}`);
    }
  }

  /** The site's HTML pages, from `techdocs_metadata.json`'s `files`. */
  async listPages(entity: Entity): Promise<string[]> {
    const metadata = (await (
      await this.get(
        `static/docs/${techDocsSitePath(entity)}/techdocs_metadata.json`,
      )
    ).json()) as { files?: unknown };
    if (!Array.isArray(metadata.files)) {
      throw new Error(
        'The TechDocs site lists no files (techdocs_metadata.json has no "files")',
      );
    }
    return metadata.files
      .filter((file): file is string => typeof file === 'string')
      .map(file => file.replace(/\\/g, '/'))
      .filter(file => file.endsWith('.html') && !SKIPPED_PAGES.test(file))
      .sort();
  }

  async read(entity: Entity, file: string): Promise<string> {
    const path = file.split('/').map(encodeURIComponent).join('/');
    const response = await this.get(
      `static/docs/${techDocsSitePath(entity)}/${path}`,
    );
    return response.text();
  }
}
