// The server's one bounded cache: a least-recently-used map (verified tokens, foreign tokens, OIDC results). Map keeps insertion order, so the oldest entry is the first key and
// re-inserting an entry makes it the youngest. A hit re-inserts only entries that have drifted into the
// older half: an entry touched within the last capacity/2 insertions cannot be the next one evicted
// anyway, and skipping the delete+set keeps a hot entry's hit to one lookup (no Map churn).
interface Slot<V> {
  value: V;
  tick: number;
}

export class LruCache<K, V> {
  private readonly map = new Map<K, Slot<V>>();
  private tick = 0;
  private readonly half: number;

  constructor(readonly capacity: number) {
    this.half = Math.max(1, Math.floor(capacity / 2));
  }

  get(key: K): V | undefined {
    const s = this.map.get(key);
    if (s === undefined) return undefined;
    if (this.tick - s.tick >= this.half) {
      this.map.delete(key);
      this.map.set(key, s);
      s.tick = ++this.tick;
    }
    return s.value;
  }

  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    this.map.delete(key);
    this.map.set(key, { value, tick: ++this.tick });
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}
