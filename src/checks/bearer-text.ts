/**
 * What a mirror's failure means in words, and its fix, for the mirror-fallback finding: the type,
 * and the texts for a 401 behind bearer-token auth (the token server failed, refused, sent no
 * token, or gave one without pull access). Pure.
 */
import type { TraceAttempt } from '../trace/schema.js';
import { challengeRealm, type tokenFailure } from '../trace/classify.js';
import { quote } from './make.js';

/** What a mirror's failure means, the title's words for it when not `failed (<outcome>)`, and the fix. */
export type OutcomeText = { what: string; failed?: string; fix: (host: string, url: string) => string[] };

export type TokenFailure = NonNullable<ReturnType<typeof tokenFailure>>;

/**
 * A 401 from a mirror behind token auth: containerd asks the realm for a token, with credentials
 * only where it has them (CRI: registry.configs.<host>.auth; ctr: --user), and retries; a token
 * without pull access for the repository ends in 401 again (insufficient_scope). A fixed
 * Authorization header is no fix there (tokens expire), so none is proposed.
 */
export function bearerText(challenge: string, token: TokenFailure | null, unreadable: string | null): OutcomeText {
  const r = challengeRealm(challenge);
  const realm = r?.url ?? null;
  const server = r ? (r.host ?? r.url) : 'its token server';
  // the token server answered, but not with a token: its realm is no token endpoint, credentials are not the cause
  if (unreadable) {
    const page = /invalid character '<'/.test(unreadable);
    return {
      what: `the mirror answered 401 and sent containerd for a token to ${server}, which answered with no token containerd could read (${unreadable})${page ? ': an HTML page, not a token endpoint' : ''}; without a token containerd does not use the mirror`,
      failed: `answered 401 and its token server${r ? ` ${server}` : ''} sent no token`,
      fix: () => [
        `${realm ? `curl -sSi '${realm.replace(/'/g, '%27')}?service=…&scope=repository:…:pull'` : 'curl -sSi the realm of the mirror\'s WWW-Authenticate header (curl -sSI on the mirror\'s /v2/ shows it)'}   # from the node: a token endpoint answers JSON with a "token" field`,
        "point the realm the mirror announces at its token endpoint (the mirror's token auth settings, e.g. its external URL); a proxy or login portal in front of the mirror must pass the token path through",
      ],
    };
  }
  // the token request itself failed: the way to the token server is the cause, not the credentials
  if (token && token.outcome !== 'unauthorized' && token.outcome !== 'forbidden') {
    return {
      what: `the mirror answered 401 and sent containerd for a token to ${token.host}, which failed (${token.outcome}: ${token.cause}); without a token containerd does not use the mirror`,
      failed: `answered 401 and its token server ${token.host} failed (${token.outcome})`,
      fix: () => [
        `make ${token.host} reachable from the node as the containerd daemon sees the network (firewall, proxy, DNS): it is in the list of hosts this node must reach`,
        `curl -sS -o /dev/null -w '%{http_code}\\n' '${token.url.replace(/'/g, '%27')}'   # from the node`,
      ],
    };
  }
  if (token) {
    return {
      what: `the mirror answered 401 and its token server ${token.host} refused the token request (${token.cause}): the credentials containerd sent are wrong, or it sent none where the token server wants some`,
      failed: `answered 401 and its token server ${token.host} refused the credentials (${token.outcome})`,
      fix: (h) => [
        `check the username and password CRI has for the mirror host: [plugins."io.containerd.cri.v1.images".registry.configs.${quote(h)}.auth] (1.x: plugins."io.containerd.grpc.v1.cri".registry.configs); for ctr: --user`,
        // a dump names no scheme; the challenge's realm does
        `curl -su USER '${(token.url.startsWith('//') && realm ? realm : token.url).replace(/'/g, '%27')}'   # from the node: a token for these credentials, or the same refusal`,
      ],
    };
  }
  return {
    what: `the mirror answered 401: it wants a bearer token from ${server} that grants pull of this repository, and the token containerd got there (without credentials, or with credentials that lack access) does not`,
    fix: (h) => [
      `give CRI credentials for the mirror host: [plugins."io.containerd.cri.v1.images".registry.configs.${quote(h)}.auth] username and password (1.x: plugins."io.containerd.grpc.v1.cri".registry.configs); containerd sends them to ${server} for the token`,
      'for ctr: ctr images pull --user USER --hosts-dir … (containerd asks the token server with them)',
      `check that this account may pull the repository on the mirror${realm ? ` (curl -su USER '${realm}?service=…&scope=repository:…:pull' shows the access a token grants)` : ''}`,
    ],
  };
}

/** A token request the dump shows refused (401/403), as a TokenFailure; null when none was. */
export function refusedTokenRequest(attempts: readonly TraceAttempt[]): TokenFailure | null {
  const a = attempts.find((x) => x.kind === 'auth' && (x.outcome === 'unauthorized' || x.outcome === 'forbidden'));
  return a ? { url: a.url ?? `//${a.host}${a.path ?? ''}`, host: a.host, outcome: a.outcome, cause: `${a.status ?? ''} ${a.outcome}`.trim() } : null;
}
