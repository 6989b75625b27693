/**
 * The error of Go's tls.X509KeyPair (crypto/tls/tls.go) that the PEM block types alone decide:
 * containerd loads each client pair with it before any request (hosts.go, "failed to load X509 key
 * pair: …"). A key that does not match its certificate is not seen here.
 */

/** The types of the PEM blocks in `text`, in order (`CERTIFICATE`, `EC PRIVATE KEY`, …). */
export function pemBlockTypes(text: string): string[] {
  return [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)].map((m) => m[1]!);
}

const isKey = (t: string) => t === 'PRIVATE KEY' || t.endsWith(' PRIVATE KEY');

/** Go's `%v` of a []string. */
const list = (xs: string[]) => `[${xs.join(' ')}]`;

/** tls.X509KeyPair's error for these inputs, or undefined when their blocks are of the right types. */
export function x509KeyPairError(certText: string, keyText: string): string | undefined {
  const cert = pemBlockTypes(certText);
  if (!cert.includes('CERTIFICATE')) {
    if (cert.length === 0) return 'tls: failed to find any PEM data in certificate input';
    if (cert.length === 1 && cert[0]!.endsWith('PRIVATE KEY')) return 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched';
    return `tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: ${list(cert)}`;
  }
  const skipped: string[] = [];
  for (const t of pemBlockTypes(keyText)) {
    if (isKey(t)) return undefined;
    skipped.push(t);
  }
  if (skipped.length === 0) return 'tls: failed to find any PEM data in key input';
  if (skipped.length === 1 && skipped[0] === 'CERTIFICATE') return 'tls: found a certificate rather than a key in the PEM for the private key';
  return `tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: ${list(skipped)}`;
}
