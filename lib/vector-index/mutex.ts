/**
 * A first-in, first-out async mutex: `run` executes its callbacks one at a
 * time, in call order, even when they await.
 */
export class AsyncMutex {
  #tail: Promise<unknown> = Promise.resolve();
  #locked = false;

  get locked(): boolean {
    return this.#locked;
  }

  run<T>(critical: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(async () => {
      this.#locked = true;
      try {
        return await critical();
      } finally {
        this.#locked = false;
      }
    });
    // The next caller waits for this one to settle, whether it succeeded or not.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
