/**
 * What a mirror's failed answer means and what fixes it, per outcome (mirror-fallback, and a
 * pull from a mirror named in the reference).
 */
import { outcomeLabel } from '../trace/classify.js';
import type { Outcome } from '../trace/schema.js';
import type { OutcomeText } from './bearer-text.js';
import { quote } from './make.js';

export const OUTCOME_TEXT: Partial<Record<Outcome, OutcomeText>> = {
  'not-found': { what: 'the mirror answered 404: it does not have the image (or serves another path)', fix: (h, u) => [`curl -sSI '${u}'`, 'a pull-through cache must be configured for this upstream and reach it (one that cannot answers 404 too: its log names the error); a mirror that routes by path needs ?ns= support or override_path'] },
  unauthorized: { what: 'the mirror answered 401: it wants credentials containerd does not send to it', fix: (h) => [`give CRI credentials for the mirror host: [plugins."io.containerd.cri.v1.images".registry.configs.${quote(h)}.auth] (1.x: plugins."io.containerd.grpc.v1.cri".registry.configs)`, `or in hosts.toml: [host."…".header]\n  Authorization = "Basic <base64 user:password>"`] },
  forbidden: { what: 'the mirror answered 403', fix: (h) => [`check the mirror's access rules for this repository and the credentials for ${h}`] },
  'bad-request': { what: 'the mirror answered 400, often because it rejects the ?ns= query containerd adds for mirrors', fix: (_h, u) => [`curl -sSI '${u}'`, 'configure the mirror to accept (or ignore) the ns parameter'] },
  'tls-unknown-authority': { what: "the mirror's certificate is signed by a CA containerd does not trust", fix: () => ['add the CA to the host table: ca = "ca.crt"   # relative to the hosts folder', 'or install it in the system trust store and restart containerd'] },
  'tls-hostname-mismatch': { what: "the mirror's certificate does not name the host in the URL", fix: (h) => [`use the name in the certificate in [host."https://…"], or reissue the certificate with ${h} in its SANs`] },
  'tls-other': { what: 'the TLS handshake with the mirror failed', fix: (h) => [`openssl s_client -connect ${h} -showcerts </dev/null`] },
  'http-response-to-https': { what: 'the mirror speaks plain HTTP but containerd used https://', fix: (h) => [`write the host as [host."http://${h}"] in hosts.toml`] },
  'connection-refused': { what: 'nothing listens on the mirror address', fix: (h) => [`check that the mirror runs and listens on ${h} (as the daemon sees the network)`, 'dial_timeout = "1s" shortens waits on a dead mirror (2.0.7+/2.1+)'] },
  'dns-failure': { what: 'the mirror host name does not resolve on the node', fix: (h) => [`getent hosts ${h.replace(/:\d+$/, '')}   # the daemon uses the node's DNS, not the cluster's`] },
  timeout: { what: 'the mirror did not answer in time', fix: () => ['check firewalls and proxies between the node and the mirror', 'dial_timeout = "1s" makes the fallback faster (2.0.7+/2.1+)'] },
  'no-route': { what: 'there is no route to the mirror', fix: (h) => [`ip route get $(getent hosts ${h.replace(/:\d+$/, '')} | cut -d' ' -f1)`] },
};

/**
 * The text for a status its outcome names only as a class (`other`, `server-error`). A 5xx is a
 * mirror that is up and failing; a 429 one that limits the rate of pulls (containerd asks again at
 * once, six requests in all, then tries the next host: resolver.go retryRequest).
 */
export function statusText(outcome: Outcome, status: number | null): OutcomeText | null {
  if (outcome === 'server-error') {
    return {
      what: `the mirror answered ${status ?? '5xx'}: it is up but failing (a pull-through cache answers so when its storage or its own upstream fails)`,
      failed: `answered ${status ?? '5xx'} (server-error)`,
      fix: (h, u) => [`check the mirror's logs (${h}) for the error behind the ${status ?? '5xx'}`, `curl -sSI '${u}'`],
    };
  }
  if (outcome !== 'other' || status === null) return null;
  if (status === 429) {
    return {
      what: "the mirror answered 429 Too Many Requests: it limits this node's pulls, or passes on its own upstream's limit (a pull-through cache that reaches Docker Hub anonymously). containerd asked again at once, six requests in all, then moved on",
      failed: 'answered 429 Too Many Requests (rate-limited)',
      fix: (_h, u) => [`curl -sSi '${u}'   # the error message and Retry-After or RateLimit headers say whose limit it is`, "raise the mirror's limit for this node, or give the pull-through cache credentials for its upstream (Docker Hub allows authenticated pulls a higher rate)"],
    };
  }
  return { what: `the mirror answered ${status} (${outcomeLabel(outcome, status)})`, failed: `answered ${status} (${outcomeLabel(outcome, status)})`, fix: (_h, u) => [`curl -sSi '${u}'`] };
}
