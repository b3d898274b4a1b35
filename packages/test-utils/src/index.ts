/**
 * Test servers for DocuChat's tests and benchmarks: real protocol servers on
 * 127.0.0.1 standing in for services the tests cannot reach (OpenAI, Zibal)
 * or should not share (an SMTP server, a Prometheus per test).
 *
 * Only ever a devDependency: no published package may load it at run time.
 *
 * @packageDocumentation
 */
export * from './openAiTestServer';
export * from './zibalTestServer';
export * from './smtpTestServer';
export * from './prometheusServer';
