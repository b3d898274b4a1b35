/*
 * The local servers that speak OpenAI's, Zibal's and SMTP's wire protocols,
 * from the backend plugin's test support. This is the soak's only import of
 * them: when they move (into an internal test-utils package), repoint these
 * lines and nothing else.
 */
/* eslint-disable @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports -- the plugin's test support, which it does not export */
export {
  buildEmbeddingsResponse,
  chatCompletionsRoute,
  chatPromptTokens,
  openAiError,
  sendJson,
  startOpenAiTestServer,
  type OpenAiTestServer,
  type RouteContext,
} from '@docuchat/backstage-plugin-docuchat-backend/src/testing/openAiTestServer';
export {
  startZibalTestServer,
  type ZibalTestPayment,
  type ZibalTestServer,
} from '@docuchat/backstage-plugin-docuchat-backend/src/testing/zibalTestServer';
export {
  startSmtpTestServer,
  type SmtpTestServer,
} from '@docuchat/backstage-plugin-docuchat-backend/src/testing/smtpTestServer';
export { seededRandom } from '@docuchat/backstage-plugin-docuchat-backend/src/testing/seededRandom';
