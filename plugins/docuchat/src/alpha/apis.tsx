import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
  identityApiRef,
} from '@backstage/frontend-plugin-api';
import { docuchatApiRef, DocuChatClient } from '../api';

/** The one DocuChat API client, on the fetch, discovery and identity APIs. */
export const docuchatApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: docuchatApiRef,
      deps: {
        discoveryApi: discoveryApiRef,
        fetchApi: fetchApiRef,
        identityApi: identityApiRef,
      },
      factory: deps => new DocuChatClient(deps),
    }),
});
