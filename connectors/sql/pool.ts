import { AbortedError } from '../../src/sdk/index.ts';
import type { Session } from './session.ts';

/**
 * At most `size` sessions to one server for one connection, reused between values
 * and runs. Small on purpose: KPI queries are few and short, and a busy worker must
 * not take many connections from a production database. A session that failed, was
 * cancelled or whose socket closed is destroyed, never handed out again. Idle
 * sessions close after `idleMs` and never keep the process alive (the connector
 * contract has no "close" hook, so nothing else would end them).
 */
export class SessionPool {
  private readonly idle: Session[] = [];
  private readonly idleTimers = new Map<Session, NodeJS.Timeout>();
  private readonly waiters: Waiter[] = [];
  private open = 0;

  private readonly opener: (signal: AbortSignal) => Promise<Session>;
  private readonly size: number;
  private readonly idleMs: number;
  private readonly onEmpty: () => void;
  private readonly label: string;

  /** `label` names the server in messages; `onEmpty` runs when the pool holds nothing any more (so its owner can forget it). */
  constructor(opener: (signal: AbortSignal) => Promise<Session>, size: number, idleMs: number, onEmpty: () => void = () => undefined, label = 'the database') {
    this.opener = opener;
    this.label = label;
    this.size = size;
    this.idleMs = idleMs;
    this.onEmpty = onEmpty;
  }

  /** A session for the caller alone; waits (abortably) when `size` are in use. */
  async acquire(signal: AbortSignal): Promise<Session> {
    if (signal.aborted) throw new AbortedError(`${this.label}: stopped before a connection was taken`, { cause: signal.reason });
    for (let session = this.idle.pop(); session; session = this.idle.pop()) {
      clearTimeout(this.idleTimers.get(session));
      this.idleTimers.delete(session);
      if (!session.broken) {
        session.idle(false);
        return session;
      }
      this.drop(session);
    }
    if (this.open < this.size) return this.openOne(signal);
    return new Promise<Session>((resolve, reject) => {
      const waiter: Waiter = {
        signal,
        resolve,
        reject,
        onAbort: () => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new AbortedError(`${this.label}: stopped while waiting for a free connection`, { cause: signal.reason }));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Gives a session back: kept for the next caller when `reusable`, destroyed otherwise. */
  release(session: Session, reusable: boolean): void {
    if (!reusable || session.broken) {
      this.drop(session);
      this.serveWaiter();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(session);
      return;
    }
    session.idle(true);
    this.idle.push(session);
    const timer = setTimeout(() => {
      this.idle.splice(this.idle.indexOf(session), 1);
      this.idleTimers.delete(session);
      this.open -= 1;
      void session.close();
      this.checkEmpty();
    }, this.idleMs);
    timer.unref();
    this.idleTimers.set(session, timer);
  }

  /** Closes every idle session; sessions in use close when released. */
  async closeIdle(): Promise<void> {
    const sessions = this.idle.splice(0);
    for (const session of sessions) {
      clearTimeout(this.idleTimers.get(session));
      this.idleTimers.delete(session);
      this.open -= 1;
    }
    await Promise.all(sessions.map((session) => session.close()));
    this.checkEmpty();
  }

  private async openOne(signal: AbortSignal): Promise<Session> {
    this.open += 1;
    try {
      return await this.opener(signal);
    } catch (error) {
      this.open -= 1;
      this.serveWaiter();
      this.checkEmpty();
      throw error;
    }
  }

  private drop(session: Session): void {
    session.destroy();
    this.open -= 1;
    this.checkEmpty();
  }

  /** A slot came free: the longest waiter gets a new session. */
  private serveWaiter(): void {
    const waiter = this.waiters.shift();
    if (!waiter) return;
    waiter.signal.removeEventListener('abort', waiter.onAbort);
    this.openOne(waiter.signal).then(waiter.resolve, waiter.reject);
  }

  private checkEmpty(): void {
    if (this.open === 0 && this.waiters.length === 0) this.onEmpty();
  }
}

interface Waiter {
  signal: AbortSignal;
  resolve: (session: Session) => void;
  reject: (error: unknown) => void;
  onAbort: () => void;
}
