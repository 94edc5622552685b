// Decoded review bodies, kept by their text. Webhook clients (kubelets, kube-rbac-proxy, gateways) post the same
// TokenReview and SubjectAccessReview bodies over and over. Parsing, the schema walk and the duplicate-field scan
// are pure functions of the text, so their result is kept and only the decision is made afresh. Kept objects are
// deeply frozen: a handler that tried to edit one would throw instead of changing the next caller's request, and
// handlers may memoize their own work per frozen object.
import type { KObject } from '../../api/types.js';

interface Kept {
  text: string;
  /** Which resource the text was decoded as (the same bytes may be posted to two endpoints). */
  owner: object;
  obj: KObject;
  warnings: readonly string[];
}

export interface Decoded {
  obj: KObject;
  warnings: readonly string[];
}

export class BodyMemo {
  private readonly kept = new Map<string, Kept>();
  private chars = 0;

  /**
   * @param budget total characters of kept texts; the oldest go first past it. The default holds about ten thousand
   *   service-account token reviews, the live tokens of a large cluster.
   * @param maxText texts longer than this are decoded every time (they are not what webhooks repeat).
   */
  constructor(
    private readonly budget = 16 << 20,
    private readonly maxText = 16 << 10,
  ) {}

  /** The decoded `text` for `owner`, from `decode` once, then from memory while it is kept. */
  get(owner: object, text: string, decode: (warnings: string[]) => KObject): Decoded {
    const slot = slotOf(text);
    const hit = this.kept.get(slot);
    if (hit !== undefined && hit.owner === owner && hit.text === text) return hit;
    const warnings: string[] = [];
    const obj = decode(warnings);
    if (text.length > this.maxText) return { obj, warnings };
    const entry: Kept = { text, owner, obj: deepFreeze(obj), warnings: Object.freeze(warnings) };
    if (hit !== undefined) this.chars -= hit.text.length;
    this.kept.set(slot, entry);
    this.chars += text.length;
    for (const [k, e] of this.kept) {
      if (this.chars <= this.budget) break;
      this.kept.delete(k);
      this.chars -= e.text.length;
    }
    return entry;
  }

  get size(): number {
    return this.kept.size;
  }
}

/**
 * Where a text is kept: a long one by its last 96 characters. Every request brings a new string, and hashing all of
 * a kilobyte review as a Map key costs more than the rest of a hit; a TokenReview's tail is its token's signature.
 * A hit must equal the whole text, and two texts that share a tail take each other's place.
 */
function slotOf(text: string): string {
  return text.length > 512 ? text.slice(-96) : text;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
    Object.freeze(v);
  }
  return v;
}
