/**
 * A real SMTP server (the `smtp-server` package) on an ephemeral port that
 * keeps every message it accepts, decoded enough for tests to read: the
 * envelope recipients, the headers and each MIME part's text.
 */
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** Decoded text of every part (text/plain and text/html). */
  parts: string[];
  header(name: string): string | undefined;
}

export interface SmtpTestServer {
  host: string;
  port: number;
  mails: ReceivedMail[];
  /** The next `count` messages are refused with a 451. */
  refuseNext(count: number): void;
  close(): Promise<void>;
}

function decodePart(headers: string, body: string): string {
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i
    .exec(headers)?.[1]
    ?.toLowerCase();
  if (encoding === 'base64')
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_m, hex) => `%${hex}`);
    try {
      return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
    } catch {
      return bytes;
    }
  }
  return body;
}

function parse(raw: string): { headers: string; parts: string[] } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split);
  const body = raw.slice(split + 4);
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  if (!boundary) return { headers, parts: [decodePart(headers, body)] };
  const parts: string[] = [];
  for (const chunk of body.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    const inner = parse(chunk.replace(/^\r\n/, ''));
    parts.push(...inner.parts);
  }
  return { headers, parts };
}

/**
 * `auth`: the server requires these credentials (AUTH PLAIN or LOGIN, over
 * the plain connection, as tests have no certificates); without it, none.
 */
export async function startSmtpTestServer(options?: {
  auth?: { user: string; password: string };
}): Promise<SmtpTestServer> {
  const mails: ReceivedMail[] = [];
  let refusals = 0;
  const auth = options?.auth;
  const server = new SMTPServer({
    authOptional: !auth,
    allowInsecureAuth: true,
    onAuth(login, _session, callback) {
      if (
        auth &&
        login.username === auth.user &&
        login.password === auth.password
      ) {
        callback(null, { user: login.username });
        return;
      }
      callback(new Error('Invalid username or password'));
    },
    disabledCommands: ['STARTTLS'],
    // A backend still running keeps pooled connections open; closing need
    // not wait the default 30 s for them.
    closeTimeout: 500,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', chunk => chunks.push(chunk));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          const error: Error & { responseCode?: number } = new Error(
            'Try again later',
          );
          error.responseCode = 451;
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const { headers, parts } = parse(raw);
        mails.push({
          from: session.envelope.mailFrom
            ? session.envelope.mailFrom.address
            : '',
          to: session.envelope.rcptTo.map(address => address.address),
          raw,
          parts,
          header(name) {
            const match = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(headers);
            return match?.[1];
          },
        });
        callback();
      });
    },
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    mails,
    refuseNext(count) {
      refusals = count;
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}
