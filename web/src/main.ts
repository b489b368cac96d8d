import './style.css';
import { ChatClient, type Session } from './client';
import { LocalStore } from './store';
import { ChatScreen } from './ui/chat';
import { showSignIn } from './ui/signin';

const SessionKey = 'seqline.session';
const root = document.getElementById('app')!;

let client: ChatClient | null = null;
let screen: ChatScreen | null = null;

async function signIn(session: Session): Promise<void> {
  localStorage.setItem(SessionKey, JSON.stringify(session));
  client = await ChatClient.start(session, () => void signOut());
  screen = new ChatScreen(root, client, () => void signOut());
  // For debugging and the end-to-end tests: the sync engine's counters.
  (window as unknown as { seqline: unknown }).seqline = { stats: client.stats, me: session.userId };
}

/** Signing out forgets the token and this device's copy of the user's messages. */
async function signOut(): Promise<void> {
  const userId = client?.me;
  screen?.destroy();
  await client?.stop();
  screen = null;
  client = null;
  localStorage.removeItem(SessionKey);
  if (userId) await LocalStore.erase(userId);
  history.replaceState(null, '', '/');
  showSignIn(root, (s) => void signIn(s));
}

function saved(): Session | null {
  try {
    const session = JSON.parse(localStorage.getItem(SessionKey) ?? 'null') as Session | null;
    return session && typeof session.userId === 'string' && typeof session.token === 'string' ? session : null;
  } catch {
    return null;
  }
}

const session = saved();
if (session) void signIn(session);
else showSignIn(root, (s) => void signIn(s));
