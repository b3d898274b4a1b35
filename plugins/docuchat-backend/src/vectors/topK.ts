/**
 * Keeps the k best (highest-scoring) items seen so far in a size-k min-heap:
 * O(n log k) over n candidates and O(k) memory, instead of sorting all n
 * scores. On equal scores the earlier item wins, so results are
 * deterministic.
 */
export class TopK {
  readonly #k: number;
  readonly #scores: Float64Array;
  readonly #items: Int32Array;
  #size = 0;

  constructor(k: number) {
    this.#k = k;
    this.#scores = new Float64Array(k);
    this.#items = new Int32Array(k);
  }

  /** The score an item must beat to enter (−Infinity until k are held). */
  get floor(): number {
    return this.#size < this.#k ? -Infinity : this.#scores[0];
  }

  push(item: number, score: number): void {
    if (this.#size < this.#k) {
      this.#scores[this.#size] = score;
      this.#items[this.#size] = item;
      this.#size++;
      this.#siftUp(this.#size - 1);
    } else if (this.#beats(score, item, 0)) {
      this.#scores[0] = score;
      this.#items[0] = item;
      this.#siftDown(0);
    }
  }

  /** Items best first. */
  results(): Array<{ item: number; score: number }> {
    const out = [];
    for (let i = 0; i < this.#size; i++) {
      out.push({ item: this.#items[i], score: this.#scores[i] });
    }
    return out.sort((a, b) => b.score - a.score || a.item - b.item);
  }

  /** Whether (score, item) ranks above the heap entry at `at`. */
  #beats(score: number, item: number, at: number) {
    const other = this.#scores[at];
    return score > other || (score === other && item < this.#items[at]);
  }

  #siftUp(at: number) {
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#beats(this.#scores[parent], this.#items[parent], i)) {
        break;
      }
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(at: number) {
    let i = at;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (
        left < this.#size &&
        !this.#beats(this.#scores[left], this.#items[left], worst)
      ) {
        worst = left;
      }
      if (
        right < this.#size &&
        !this.#beats(this.#scores[right], this.#items[right], worst)
      ) {
        worst = right;
      }
      if (worst === i) {
        return;
      }
      this.#swap(i, worst);
      i = worst;
    }
  }

  #swap(a: number, b: number) {
    const score = this.#scores[a];
    const item = this.#items[a];
    this.#scores[a] = this.#scores[b];
    this.#items[a] = this.#items[b];
    this.#scores[b] = score;
    this.#items[b] = item;
  }
}
