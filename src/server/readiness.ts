export interface Readiness {
  ok: boolean;
  /** One entry per dependency: "ok", or what it waits for or why it is not ready. */
  checks: Record<string, string>;
}

/**
 * The `/readyz` probe of a long-running process. The operations server listens before
 * the store and Redis are reachable, so the probe knows three states per dependency:
 * waiting (with what for), live (checked on every probe with a timeout), or gone.
 * Messages are short and name no credentials.
 */
export class ReadinessProbe {
  readonly #waiting = new Map<string, string>();
  readonly #checks = new Map<string, () => Promise<unknown>>();
  readonly #timeoutMs: number;

  /** `timeoutMs` per check: a dependency that hangs is as unready as one that fails. */
  constructor(timeoutMs = 2_000) {
    this.#timeoutMs = timeoutMs;
  }

  /** Not ready until `ready(name)`; /readyz says `reason`. */
  waitFor(name: string, reason: string): void {
    this.#checks.delete(name);
    this.#waiting.set(name, reason);
  }

  /** Ready, and from now on checked by `check`: it resolves when the dependency is fine and rejects (with why) when not. */
  ready(name: string, check: () => Promise<unknown> = async () => undefined): void {
    this.#waiting.delete(name);
    this.#checks.set(name, check);
  }

  async probe(): Promise<Readiness> {
    const checks: Record<string, string> = {};
    for (const [name, reason] of this.#waiting) checks[name] = `waiting: ${reason}`;
    const results = await Promise.all([...this.#checks].map(async ([name, check]) => [name, await this.#run(check)] as const));
    for (const [name, result] of results) checks[name] = result;
    return { ok: Object.values(checks).every((c) => c === 'ok'), checks };
  }

  async #run(check: () => Promise<unknown>): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${this.#timeoutMs} ms`), this.#timeoutMs);
    });
    try {
      return await Promise.race([
        check().then(
          () => 'ok',
          (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 200),
        ),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
