import type { Presence } from './presence';
import type { ReceiptsView } from './receipts';
import type { DeliveredPosition } from './acks';
import type { ConversationSummary, ConversationView, Message, MessagePage, SendExtras, SendReceipt, SyncPage, UserSettings } from './types';

/**
 * A failed call. `status` 0 means the request got no answer (offline, connection cut, timeout):
 * whether it reached the server is unknown, so it is retried with the same idempotency key.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  /**
   * Worth retrying later: no answer, the server busy, rate limited, or a token that ran out (a
   * 401 renews the development token or signs out, so the retry goes with a fresh one or not at all).
   */
  get transient(): boolean {
    return this.status === 0 || this.status === 401 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

const RequestTimeoutMs = 20_000;

/** The node's HTTP API, same origin, with the user's bearer token. */
export class Api {
  constructor(
    private readonly token: () => string,
    private readonly onUnauthorized: () => void,
  ) {}

  static async devToken(userId: string): Promise<string> {
    const body = await request<{ token: string }>('POST', '/api/dev/token', undefined, { userId });
    return body.token;
  }

  conversations(): Promise<ConversationSummary[]> {
    return this.call('GET', '/api/conversations');
  }

  createGroup(members: string[], title: string | null): Promise<ConversationView> {
    return this.call('POST', '/api/conversations', { members, title: title || undefined, kind: 'group' });
  }

  conversation(conversationId: string): Promise<ConversationView> {
    return this.call('GET', `/api/conversations/${enc(conversationId)}`);
  }

  changeMembers(conversationId: string, add: string[], remove: string[]): Promise<ConversationView> {
    return this.call('POST', `/api/conversations/${enc(conversationId)}/members`, { add, remove });
  }

  /** The owner gives a member a role; `owner` hands ownership over. */
  setRole(conversationId: string, userId: string, role: string): Promise<ConversationView> {
    return this.call('PUT', `/api/conversations/${enc(conversationId)}/members/${enc(userId)}/role`, { role });
  }

  setTitle(conversationId: string, title: string | null): Promise<ConversationView> {
    return this.call('PUT', `/api/conversations/${enc(conversationId)}/title`, { title });
  }

  /**
   * Sends a message; `delivered` are acknowledgements riding on it (docs/api.md, "Receipts"), and
   * `skipped` the conversations of them the node did not count (another node pushed them).
   */
  async send(conversationId: string, clientMsgId: string, body: string, extras?: SendExtras, delivered?: DeliveredPosition[]):
    Promise<{ receipt: SendReceipt; skipped: string[] }> {
    const { replyTo, contentType, content } = extras ?? {};
    const { body: receipt, headers } = await this.exchange<SendReceipt>('POST', `/api/conversations/${enc(conversationId)}/messages`,
      { clientMsgId, body, replyTo, contentType, content, delivered });
    const skipped = headers.get('seqline-delivered-skipped');
    return { receipt, skipped: skipped ? skipped.split(',') : [] };
  }

  /** The sender edits their message: the message as stored now. */
  edit(conversationId: string, seq: number, body: string): Promise<Message> {
    return this.call('PUT', `/api/conversations/${enc(conversationId)}/messages/${seq}`, { body });
  }

  /** Gives (or with `add` false takes back) a reaction: the message as stored now. */
  react(conversationId: string, seq: number, emoji: string, add: boolean): Promise<Message> {
    return this.call(add ? 'PUT' : 'DELETE', `/api/conversations/${enc(conversationId)}/messages/${seq}/reactions/${enc(emoji)}`);
  }

  /** Up to `limit` messages below `before` (the newest without it), ascending. */
  historyBefore(conversationId: string, before: number | null, limit: number): Promise<MessagePage> {
    const query = before === null ? `limit=${limit}` : `before=${before}&limit=${limit}`;
    return this.call('GET', `/api/conversations/${enc(conversationId)}/messages?${query}`);
  }

  markRead(conversationId: string, seq: number): Promise<ConversationSummary> {
    return this.call('POST', `/api/conversations/${enc(conversationId)}/read`, { seq });
  }

  sync(cursor: string | null, limit: number): Promise<SyncPage> {
    const query = cursor === null ? `limit=${limit}` : `cursor=${enc(cursor)}&limit=${limit}`;
    return this.call('GET', `/api/sync?${query}`);
  }

  /** The other members' read and delivered positions (docs/api.md, "Receipts"). */
  receipts(conversationId: string): Promise<ReceiptsView> {
    return this.call('GET', `/api/conversations/${enc(conversationId)}/receipts`);
  }

  mute(conversationId: string, muted: boolean): Promise<ConversationSummary> {
    return this.call('PUT', `/api/conversations/${enc(conversationId)}/mute`, { muted });
  }

  /** A user's presence; 404 unless the caller shares a conversation with them. */
  presence(userId: string): Promise<Presence> {
    return this.call('GET', `/api/users/${enc(userId)}/presence`);
  }

  /** The caller's own settings. */
  settings(): Promise<UserSettings> {
    return this.call('GET', '/api/me/settings');
  }

  /** Changes the settings named; one left out keeps its value. The settings as they are now. */
  changeSettings(change: Partial<UserSettings>): Promise<UserSettings> {
    return this.call('PUT', '/api/me/settings', change);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.exchange<T>(method, path, body)).body;
  }

  private async exchange<T>(method: string, path: string, body?: unknown): Promise<{ body: T; headers: Headers }> {
    try {
      return await exchange<T>(method, path, this.token(), body);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.onUnauthorized();
      throw e;
    }
  }
}

async function request<T>(method: string, path: string, token: string | undefined, body?: unknown): Promise<T> {
  return (await exchange<T>(method, path, token, body)).body;
}

async function exchange<T>(method: string, path: string, token: string | undefined, body?: unknown): Promise<{ body: T; headers: Headers }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(RequestTimeoutMs),
      cache: 'no-store',
    });
    text = await response.text();
  } catch {
    throw new ApiError(0, 'network', 'No connection to the server.');
  }
  if (response.ok) return { body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };

  let problem: { code?: string; detail?: string; title?: string } = {};
  try {
    problem = JSON.parse(text);
  } catch {
    // not problem details: keep the status line
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiError(
    response.status,
    problem.code,
    problem.detail || problem.title || `${response.status} ${response.statusText}`,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

const enc = encodeURIComponent;
