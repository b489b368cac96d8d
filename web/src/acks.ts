/**
 * Acknowledgements of pushed messages (docs/api.md, "Receipts"), batched across conversations: the
 * newest seq of each conversation pushed since the last batch goes in one hub message
 * (`DeliveredMany`), at most one per pace. The first after a quiet pace goes at once; what arrives
 * within the pace waits for its end and goes as one. While pushes keep coming the pace doubles, from
 * 2 s (the pace of the server's receipts) up to 8 s, and a pace without a push brings it back: the
 * .NET client library's `DeliveryAcks` does the same. What waits may ride on the user's own sends
 * instead, in the last interval before it is due (`take`), which count as sent for the pace.
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
  private dueAt = 0;

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
    this.schedule(wait);
  }

  /**
   * Takes what waits for the pace (at most one message's worth) to ride on a send the device makes
   * anyway, only in the last interval before it is due: a user who sends more often than the pace
   * would otherwise put a batch on every send, where one per pace is needed. The ride counts as sent,
   * and as a batch while busy (the pace doubles up to 8 s), so a user who sends at least once every
   * interval sends no hub message at all. Null when nothing waits or it is not time yet. What the
   * server did not take goes back through `note`.
   */
  take(): DeliveredPosition[] | null {
    if (this.waiting.size === 0 || this.timer === undefined) return null;
    const now = Date.now();
    if (now < this.dueAt - this.intervalMs) return null;
    const taken = [...this.waiting].slice(0, MAX_POSITIONS_PER_MESSAGE).map(([conversationId, seq]) => ({ conversationId, seq }));
    for (const p of taken) this.waiting.delete(p.conversationId);
    this.sentAt = now;
    window.clearTimeout(this.timer);
    this.schedule(this.paceMs);
    this.paceMs = Math.min(this.paceMs * 2, this.busyIntervalMs);
    return taken;
  }

  private schedule(waitMs: number): void {
    this.dueAt = Date.now() + waitMs;
    this.timer = window.setTimeout(() => this.flush(), waitMs);
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
