// A tiny SMTP server (node:net) that answers what a test tells it to: a
// permanent refusal (550) or a temporary one (451) that GreenMail cannot be
// made to give.
import { createServer, type Socket } from 'node:net';

export interface FakeSmtpScript {
  /** Reply to every RCPT TO; default 250. */
  rcpt?: string;
  /** Replies to the end of DATA, one per message; the last repeats. Default 250. */
  endOfData?: string[];
}

export interface FakeSmtp {
  url: string;
  /** Messages the server answered 2xx to, as received. */
  accepted: Buffer[];
  /** Transactions that reached the end of DATA, accepted or not. */
  transactions: number;
  stop(): Promise<void>;
}

export async function startFakeSmtp(script: FakeSmtpScript): Promise<FakeSmtp> {
  const replies = [...(script.endOfData ?? ['250 2.0.0 OK'])];
  const sockets = new Set<Socket>();
  const state: FakeSmtp = { url: '', accepted: [], transactions: 0, stop: async () => {} };

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffer = Buffer.alloc(0);
    let inData = false;
    const say = (line: string) => socket.write(`${line}\r\n`);
    say('220 fake.test ESMTP');
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const message = buffer.subarray(0, end + 2);
          buffer = buffer.subarray(end + 5);
          inData = false;
          state.transactions++;
          const reply = replies.length > 1 ? replies.shift()! : replies[0];
          if (reply.startsWith('2')) state.accepted.push(Buffer.from(message));
          say(reply);
          continue;
        }
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const line = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 2);
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') say('250 fake.test');
        else if (verb === 'HELO' || verb === 'MAIL' || verb === 'RSET' || verb === 'NOOP') say('250 OK');
        else if (verb === 'RCPT') say(script.rcpt ?? '250 OK');
        else if (verb === 'DATA') {
          inData = true;
          say('354 go ahead');
        } else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
        } else say('502 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  state.url = `smtp://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  state.stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return state;
}
