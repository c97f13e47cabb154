/**
 * A loopback proxy right in front of the emulator that writes down every password the API hands out, keyed
 * by the token's incarnation: its id plus its `createdDate`. The emulator never stores a password, so this is
 * the only way to tell afterwards whether the password a state holds is the live token's — a token deleted
 * and created again at the same id (PUT) has the same id but a new password. With
 * {@link distinctSecondsClock} every creation gets its own `createdDate`, so the key names one incarnation.
 *
 * It sits behind the slow-answer proxy: it sees an answer the client later gives up on, but never one a
 * commit-then-fail fault replaced (the emulator sent no password then; nobody can know it).
 */
import { startForwardingProxy } from "./forwardingProxy";

/** A running witness. */
export interface PasswordWitness {
  /** The witness's URL with the emulator's path, e.g. `http://127.0.0.1:PORT/containerregistries`. */
  url: string;
  /** The password the API issued when it created this incarnation of the token; undefined when none was sent. */
  issued(tokenId: string, createdDate: string): string | undefined;
  /** Every password the API sent so far, for leak scans. */
  passwords(): string[];
  close(): Promise<void>;
}

/**
 * An emulator clock whose every reading lies at least a second after the previous one, so no two tokens share
 * a `createdDate` (the API cuts timestamps to whole seconds). It runs ahead of real time; the fault suites set
 * no expiry, and the provider's recovery only needs a token to be no older than its attempt.
 */
export function distinctSecondsClock(): () => Date {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1000);
    return new Date(last);
  };
}

/** Starts a witness on 127.0.0.1 that forwards to `targetUrl` (the emulator's `url`). */
export async function startPasswordWitness(targetUrl: string): Promise<PasswordWitness> {
  const ledger = new Map<string, string>();
  const proxy = await startForwardingProxy(targetUrl, (answer) => {
    note(ledger, answer.status, answer.body);
    answer.send();
  });
  return {
    url: proxy.url,
    issued: (tokenId, createdDate) => ledger.get(key(tokenId, createdDate)),
    passwords: () => [...ledger.values()],
    close: () => proxy.close(),
  };
}

/** Writes down the password of a creating answer (a 201 whose credentials carry one). */
function note(ledger: Map<string, string>, status: number, body: Buffer): void {
  if (status !== 201) return;
  let token: IssuedToken;
  try {
    token = JSON.parse(body.toString("utf8")) as IssuedToken;
  } catch {
    return;
  }
  const password = token.properties?.credentials?.password;
  const createdDate = token.metadata?.createdDate;
  if (password && createdDate && token.id) ledger.set(key(token.id, createdDate), password);
}

function key(tokenId: string, createdDate: string): string {
  return `${tokenId}@${createdDate}`;
}

/** The fields of a creating answer the witness reads. */
interface IssuedToken {
  id?: string;
  metadata?: { createdDate?: string };
  properties?: { credentials?: { password?: string } };
}
