/**
 * Acknowledgements of pushed messages (docs/api.md, "Receipts"), batched across conversations: the
 * newest seq of each conversation pushed since the last batch goes in one hub message
 * (`DeliveredMany`), at most one per pace. The first after a quiet pace goes at once; what arrives
 * within the pace waits for its end and goes as one. While pushes keep coming the pace doubles, from
 * 2 s (the pace of the server's receipts) up to 8 s, and a pace without a push brings it back: the
 * .NET client library's `DeliveryAcks` does the same. What waits may ride on the user's own sends
 * instead (`take`), which count as sent for the pace.
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

  /**
   * Takes what waits for the pace (at most one message's worth) to ride on a send the device makes
   * anyway. The send counts as sent for the pace: the batch due waits a whole pace from it, so while
   * the user keeps sending, what arrives rides too and no hub message goes. Null when nothing waits.
   * What the server did not take goes back through `note`.
   */
  take(): DeliveredPosition[] | null {
    if (this.waiting.size === 0) return null;
    const taken = [...this.waiting].slice(0, MAX_POSITIONS_PER_MESSAGE).map(([conversationId, seq]) => ({ conversationId, seq }));
    for (const p of taken) this.waiting.delete(p.conversationId);
    this.sentAt = Date.now();
    if (this.timer !== undefined) {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.flush(), this.paceMs);
    }
    return taken;
  }

  private flush(): void {
    this.timer = undefined;
    const positions = [...this.waiting].map(([conversationId, seq]) => ({ conversationId, seq }));
    // Nothing left (it all rode on sends): no message, and the pace still counts from the last send.
    if (positions.length > 0) this.sentAt = Date.now();
    this.waiting.clear();
    for (let i = 0; i < positions.length; i += MAX_POSITIONS_PER_MESSAGE) this.send(positions.slice(i, i + MAX_POSITIONS_PER_MESSAGE));
  }

  stop(): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
