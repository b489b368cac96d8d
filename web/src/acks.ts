/**
 * Acknowledgements of pushed messages (docs/api.md, "Receipts"), batched across conversations: the
 * newest seq of each conversation pushed since the last batch goes in one hub message
 * (`DeliveredMany`), at most one per pace. The first after a quiet pace goes at once; what arrives
 * within the pace waits for its end and goes as one. While pushes keep coming the pace doubles, from
 * 2 s (the pace of the server's receipts) up to 8 s, and a pace without a push brings it back: the
 * .NET client library's `DeliveryAcks` does the same.
 */
export const MAX_POSITIONS_PER_MESSAGE = 256;

export interface DeliveredPosition {
  conversationId: string;
  seq: number;
}

export class DeliveryAcks {
  private readonly waiting = new Map<string, number>();
  private sentAt = Number.NEGATIVE_INFINITY;
  private paceMs = 0; // zero before the first: that one goes at once
  private timer: number | undefined;

  constructor(
    private readonly send: (positions: DeliveredPosition[]) => void,
    private readonly intervalMs = 2000,
    private readonly busyIntervalMs = 8000,
  ) {}

  note(conversationId: string, seq: number): void {
    this.waiting.set(conversationId, Math.max(seq, this.waiting.get(conversationId) ?? 0));
    if (this.timer !== undefined) return;
    const since = Date.now() - this.sentAt;
    let wait = 0;
    if (since >= this.paceMs) {
      this.paceMs = this.intervalMs;
    } else {
      // Still busy: this batch waits out the pace, and the next one waits twice as long.
      wait = this.paceMs - since;
      this.paceMs = Math.min(this.paceMs * 2, this.busyIntervalMs);
    }
    this.timer = window.setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    this.sentAt = Date.now();
    const positions = [...this.waiting].map(([conversationId, seq]) => ({ conversationId, seq }));
    this.waiting.clear();
    for (let i = 0; i < positions.length; i += MAX_POSITIONS_PER_MESSAGE) this.send(positions.slice(i, i + MAX_POSITIONS_PER_MESSAGE));
  }

  stop(): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
