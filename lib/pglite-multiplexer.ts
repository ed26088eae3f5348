// pglite-socket's own queue runs each protocol message as it arrives, so two
// connections' extended-protocol messages (Parse/Bind/Execute/Sync, all on
// the unnamed statement) interleave and corrupt each other under concurrent
// load. This queue keeps each connection's messages together up to the point
// where the client waits for an answer (Sync, Query, Flush), and while one
// connection is inside a transaction or mid-sequence only it may run, so
// every client sees what a real Postgres session would show it.
import type { PGlite } from "@electric-sql/pglite";
import type { PGLiteSocketHandlerOptions } from "@electric-sql/pglite-socket";

type QueryQueue = PGLiteSocketHandlerOptions["queryQueue"];

type Job = {
  handlerId: number;
  bytes: Uint8Array;
  heldAfter: boolean;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
};

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const FLUSH = 0x48; // 'H'
const TERMINATE = 0x58; // 'X'

export class BatchingQueryQueue {
  private readonly pending = new Map<number, Uint8Array[]>();
  private jobs: Job[] = [];
  private owner: number | null = null;
  private running = false;

  constructor(private readonly db: PGlite) {}

  /** The shape pglite-socket's handler expects of its queue. */
  asQueryQueue(): QueryQueue {
    return this as unknown as QueryQueue;
  }

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    const parts = this.pending.get(handlerId) ?? [];
    parts.push(message);
    // A startup packet has no type byte: its first byte is the high byte of its length.
    const type = message[0];
    const endsBatch = type === 0 || type === SYNC || type === QUERY || type === FLUSH || type === TERMINATE;
    if (!endsBatch) {
      this.pending.set(handlerId, parts);
      return Promise.resolve(0);
    }
    this.pending.delete(handlerId);
    return new Promise((resolve, reject) => {
      this.jobs.push({ handlerId, bytes: concat(parts), heldAfter: type === FLUSH, onData, resolve, reject });
      void this.pump();
    });
  }

  getQueueLength(): number {
    return this.jobs.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.pending.delete(handlerId);
    this.jobs = this.jobs.filter((job) => {
      if (job.handlerId !== handlerId) return true;
      job.reject(new Error("connection closed"));
      return false;
    });
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.owner = null;
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.jobs.findIndex((job) => job.handlerId === this.owner);
        const job = index >= 0 ? this.jobs.splice(index, 1)[0] : undefined;
        if (!job) break;
        let sent = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(job.bytes, {
              onRawData: (chunk) => {
                sent += chunk.length;
                job.onData(chunk);
              },
            }),
          );
          this.owner = this.db.isInTransaction() || job.heldAfter ? job.handlerId : null;
          job.resolve(sent);
        } catch (error) {
          this.owner = null;
          job.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
