/**
 * The pulls in flight, in the order they started: a Set's API over an array (at most a few dozen;
 * V8's Set cost 40–100 ms per 60,000 deletes in profiles of the benchmark log). Iterating walks a
 * copy, so removing during a loop is safe.
 */
export class PullSet<T> implements Iterable<T> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  has(x: T): boolean {
    return this.items.includes(x);
  }

  add(x: T): this {
    if (!this.items.includes(x)) this.items.push(x);
    return this;
  }

  delete(x: T): boolean {
    const i = this.items.indexOf(x);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }

  /** The oldest entry, or undefined. */
  first(): T | undefined {
    return this.items[0];
  }

  /** The newest entry, or undefined. */
  last(): T | undefined {
    return this.items[this.items.length - 1];
  }

  [Symbol.iterator](): Iterator<T> {
    return this.items.slice()[Symbol.iterator]();
  }
}
