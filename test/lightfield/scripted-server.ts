/**
 * A real HTTP server on 127.0.0.1:0 that answers each request with the next step of a script,
 * and records what it received. For exact status sequences the emulator does not script.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptStep =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Destroys the socket without answering. */
  | 'drop'
  /** Never answers (until the server closes). */
  | 'hang';

export interface ReceivedRequest {
  method: string;
  /** Path and query string as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ScriptedServer {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** Steps are used in order; once the script runs out, the last step repeats. */
export async function startScriptedServer(script: ScriptStep[]): Promise<ScriptedServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const step = script[Math.min(received.length, script.length) - 1];
      if (step === undefined || step === 'hang') return;
      if (step === 'drop') {
        request.socket.destroy();
        return;
      }
      answer(response, step);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function answer(response: ServerResponse, step: { status: number; body?: unknown; headers?: Record<string, string> }): void {
  const body = typeof step.body === 'string' ? step.body : JSON.stringify(step.body ?? {});
  response.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
  response.end(body);
}
