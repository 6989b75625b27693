/**
 * The pulls in flight, in the order they started: a Set's API over an array. There are at most a
 * few dozen (the parser caps them), and on a big log one is added and removed for every pull in
 * it. With V8's Set, CPU profiles of the benchmark log put 40–100 ms on the delete alone per
 * 60,000 pulls (the profiles do not say why); with an array it no longer shows up: a scan of a
 * few entries.
 *
 * Iterating walks a copy, so removing (or adding) during a loop is safe, as with a Set (which
 * would also visit an entry added during the loop; no caller adds while iterating).
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
