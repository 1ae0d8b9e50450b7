/**
 * The connections a client opens one per request (download.ts for requests, upgrade-socket.ts for connection
 * upgrades), counted against the connection cap: further ones wait in order (core/abortable-queue.ts).
 */
import type { Socket } from 'node:net';
import { AbortableQueue } from '../core/abortable-queue.js';
import type { DownloadDialer } from './dial.js';
import { download, type DownloadRequest, type DownloadResponse } from './download.js';
import type { UpgradedConnection, UpgradeRequest, UpgradeTarget } from './upgrade.js';
import { upgradeSocket } from './upgrade-socket.js';

/**
 * One transport's connections of their own (downloads, stream-lane requests, upgrades until their answer): at
 * most `cap` at a time; further ones wait in order for one to close, and an aborted wait leaves the queue (no
 * timeout runs while waiting: it bounds the engine, not the queue). Tracked, so that close() can wait for them and
 * destroy() can end them.
 */
export class DownloadLane {
  private readonly sockets = new Set<Socket>();
  /** Connections counted against the cap: open, or started and about to open (an upgrade first learns its path). */
  private held = 0;
  private readonly waiting = new AbortableQueue<Waiter>();
  private drained: (() => void)[] = [];
  /** Set by destroy(): a request started before it (an upgrade still learning its path) gets its socket ended. */
  private destroyedWith: Error | undefined;

  constructor(
    private readonly dialer: DownloadDialer,
    private readonly cap: number,
  ) {}

  /** See DownloadDialer.local. */
  get local(): boolean {
    return this.dialer.local === true;
  }

  /** A request now would get a connection at once (none waiting, one free under the cap). */
  get hasRoom(): boolean {
    return this.held < this.cap && this.waiting.length === 0;
  }

  request(req: DownloadRequest): Promise<DownloadResponse> {
    return this.inTurn(req.signal, (reason) => reason, (opened) => download(this.dialer, req, opened));
  }

  /**
   * A connection upgrade on a connection of its own (upgrade-socket.ts): counted here until the engine's answer, then
   * the session's (as undici's Pool lets go of an upgraded socket).
   */
  upgrade(conn: UpgradeTarget, req: UpgradeRequest, timeout: number): Promise<UpgradedConnection> {
    return this.inTurn(req.signal, (reason) => conn.mapError(reason, req.signal), (opened) => upgradeSocket(this.dialer, conn, req, timeout, opened));
  }

  /**
   * Runs `start` when a connection fits under the cap: now, or in turn as others close. `start` reports the socket it
   * opens to `opened`, which counts it until it closes or until the returned function is called; a start that fails
   * before opening one gives its place back. An abort (or destroy()) while waiting rejects with `waitError(reason)`.
   */
  private inTurn<T>(signal: AbortSignal | undefined, waitError: (reason: unknown) => unknown, start: (opened: (socket: Socket) => () => void) => Promise<T>): Promise<T> {
    const begin = (): Promise<T> => {
      this.held++;
      let counted = true;
      let socketOpened = false;
      const release = (): void => {
        if (!counted) return;
        counted = false;
        this.held--;
        this.next();
      };
      const started = start((socket) => {
        socketOpened = true;
        this.sockets.add(socket);
        const drop = (): void => {
          this.sockets.delete(socket);
          release();
        };
        socket.once('close', drop);
        if (this.destroyedWith) socket.destroy(this.destroyedWith);
        return drop;
      });
      started.catch(() => {
        if (!socketOpened) release();
      });
      return started;
    };
    if (this.hasRoom) return begin();
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = { go: () => void begin().then(resolve, reject), fail: (reason) => reject(waitError(reason)) };
      this.waiting.push(waiter, signal, (_, reason) => {
        waiter.fail(reason);
        this.checkDrained();
      });
    });
  }

  /** A place under the cap came free: the first waiter takes it. */
  private next(): void {
    while (this.held < this.cap && this.waiting.length > 0) this.waiting.shift()!.go();
    this.checkDrained();
  }

  /** Resolves when nothing waits and every connection of this lane has closed (queued requests run first). */
  closed(): Promise<void> {
    return new Promise((resolve) => {
      this.drained.push(resolve);
      this.checkDrained();
    });
  }

  private checkDrained(): void {
    if (this.waiting.length > 0 || this.held > 0 || this.sockets.size > 0) return;
    for (const resolve of this.drained.splice(0)) resolve();
  }

  /** Ends every download now, and every request waiting for a connection: they fail with `reason`. */
  destroy(reason: Error): Promise<void> {
    this.destroyedWith = reason;
    for (let w = this.waiting.shift(); w; w = this.waiting.shift()) w.fail(reason);
    for (const socket of this.sockets) socket.destroy(reason);
    return this.closed();
  }
}

interface Waiter {
  go(): void;
  fail(reason: unknown): void;
}
