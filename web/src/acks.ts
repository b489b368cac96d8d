/**
 * Acknowledgements of pushed messages (docs/api.md, "Receipts"), batched across conversations: the
 * newest seq of each conversation pushed since the last batch goes in one hub message
 * (`DeliveredMany`), at most one per interval (2 s, the pace of the server's receipts). The first after a quiet interval goes at once; what
 * arrives within the interval waits for its end and goes as one.
 */
export const MAX_POSITIONS_PER_MESSAGE = 256;

export interface DeliveredPosition {
  conversationId: string;
  seq: number;
}

export class DeliveryAcks {
  private readonly waiting = new Map<string, number>();
  private sentAt = Number.NEGATIVE_INFINITY;
  private timer: number | undefined;

  constructor(
    private readonly send: (positions: DeliveredPosition[]) => void,
    private readonly intervalMs = 2000,
  ) {}

  note(conversationId: string, seq: number): void {
    this.waiting.set(conversationId, Math.max(seq, this.waiting.get(conversationId) ?? 0));
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.sentAt + this.intervalMs - Date.now());
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
