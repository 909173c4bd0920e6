// Socket events (zeromq.js's Observer): listen with on()/off(), or await
// them one at a time with receive() / for await.

/** The kinds of socket event (zeromq.js names). */
export type EventType =
  | "accept" | "accept:error" | "bind" | "bind:error" | "connect" | "connect:delay"
  | "connect:retry" | "close" | "close:error" | "disconnect" | "end" | "handshake"
  | "handshake:error:protocol" | "handshake:error:auth" | "handshake:error:other" | "unknown";

/** Why a connection failed or closed: code is e.g. ECONNREFUSED or ERR_ZMTP_HEARTBEAT_TIMEOUT. */
export interface EventError extends Error {
  code: string;
}

/** One socket event. */
export interface SocketEvent {
  /** What happened. */
  type: EventType;
  /** The endpoint concerned. */
  address?: string;
  /** Milliseconds until the next attempt (connect:retry). */
  interval?: number;
  /** Why the connection failed or closed. */
  error?: EventError;
}

type Listener = (e: SocketEvent) => void;

/** A socket's events (socket.events), as in zeromq.js: on()/off() listeners, or receive() and for await. */
export class Observer {
  private listeners = new Map<EventType, Set<Listener>>();
  private queue: SocketEvent[] = [];
  private waiters: Array<(r: IteratorResult<SocketEvent>) => void> = [];
  private _closed = false;
  private observed = false;

  /** Whether the socket has ended, so no more events will come. */
  get closed(): boolean { return this._closed; }

  /** Calls fn for every event of this type. */
  on(type: EventType, fn: Listener): this {
    let s = this.listeners.get(type);
    if (!s) this.listeners.set(type, (s = new Set()));
    s.add(fn);
    return this;
  }

  /** Removes a listener added with on(). */
  off(type: EventType, fn: Listener): this {
    this.listeners.get(type)?.delete(fn);
    return this;
  }

  /** The next event (queues events only once someone has asked for them). */
  receive(): Promise<SocketEvent> {
    this.observed = true;
    const e = this.queue.shift();
    if (e) return Promise.resolve(e);
    if (this._closed) return Promise.reject(Object.assign(new Error("Observer is closed"), { code: "EBADF" }));
    return new Promise((resolve) => this.waiters.push((r) => resolve(r.value as SocketEvent)));
  }

  /** Iterates events as they come (for await); ends when the socket ends. */
  [Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    this.observed = true;
    return {
      next: (): Promise<IteratorResult<SocketEvent>> => {
        const e = this.queue.shift();
        if (e) return Promise.resolve({ value: e, done: false });
        if (this._closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.waiters.push(resolve));
      },
    };
  }

  /** Ends the event stream (the socket does this when it ends). */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const w of this.waiters.splice(0)) w({ value: undefined, done: true });
  }

  /** @internal */
  emit(e: SocketEvent): void {
    if (this._closed) return;
    const s = this.listeners.get(e.type);
    if (s) for (const fn of s) fn(e);
    const w = this.waiters.shift();
    if (w) w({ value: e, done: false });
    else if (this.observed) this.queue.push(e);
  }
}
