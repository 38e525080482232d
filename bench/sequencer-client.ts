import { connect, type Socket } from "node:net";

/**
 * The benchmark's HTTP/1.1 client: keep-alive sockets that send request bytes built before
 * the timed phase and read answers by their Content-Length. Node's `http` client spends
 * about 150 µs of CPU a request, on the same two cores as the server; this spends a fraction
 * of that, so the load generator measures the server rather than itself.
 */
export function rpcRequest(method: string, params: unknown[]): Buffer {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });
  return Buffer.from(
    `POST /rpc HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export interface RpcAnswer {
  readonly result?: unknown;
  readonly error?: { readonly message: string };
}

const HEADER_END = Buffer.from("\r\n\r\n");

/** One connection, one request at a time. */
export class Connection {
  private readonly socket: Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiting?: { resolve: (a: RpcAnswer) => void; reject: (e: Error) => void };

  constructor(port: number) {
    this.socket = connect({ host: "127.0.0.1", port, noDelay: true });
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.on("error", (e) => this.waiting?.reject(e));
  }

  send(request: Buffer): Promise<RpcAnswer> {
    if (this.waiting) throw new Error("a request is already in flight on this connection");
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buffer.subarray(0, end).toString("latin1").toLowerCase();
    const match = /content-length: *(\d+)/.exec(head);
    const length = match ? Number(match[1]) : 0;
    const start = end + HEADER_END.length;
    if (this.buffer.length < start + length) return;
    const body = this.buffer.subarray(start, start + length).toString();
    this.buffer = this.buffer.subarray(start + length);
    const w = this.waiting!;
    this.waiting = undefined;
    w.resolve(length > 0 ? (JSON.parse(body) as RpcAnswer) : {});
  }
}
