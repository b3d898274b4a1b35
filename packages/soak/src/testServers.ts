/*
 * The local servers that speak OpenAI's, Zibal's and SMTP's wire protocols
 * (the repository's test support), and the backend's seeded random numbers,
 * which the soak's schedule shares with the demo's usage history.
 */
export {
  buildEmbeddingsResponse,
  chatCompletionsRoute,
  chatPromptTokens,
  openAiError,
  sendJson,
  startOpenAiTestServer,
  startSmtpTestServer,
  startZibalTestServer,
  type OpenAiTestServer,
  type RouteContext,
  type SmtpTestServer,
  type ZibalTestPayment,
  type ZibalTestServer,
} from '@internal/docuchat-test-utils';
/* eslint-disable-next-line @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports -- a small helper the plugin does not export */
export { seededRandom } from '@docuchat/backstage-plugin-docuchat-backend/src/demo/seededRandom';
