/**
 * Go's tls.X509KeyPair errors as containerd returns them for a client pair of hosts.toml. The first
 * four rows are what containerd 1.6.20, 1.7.24 and 2.1.9 printed for `ctr images pull --hosts-dir`
 * with the lab's TLS mirror and such a `client` line (a flat list, a swapped pair, a key alone, a
 * certificate as its own key); the pair in the right order pulled.
 */
import { describe, expect, it } from 'vitest';
import { pemBlockTypes, x509KeyPairError } from '../../../src/containerd/x509-key-pair.js';

const block = (type: string) => `-----BEGIN ${type}-----\nMIIB\n-----END ${type}-----\n`;
const CERT = block('CERTIFICATE');
const KEY = block('PRIVATE KEY');

describe('x509KeyPairError', () => {
  it.each([
    ['client = ["c", "k"]: c is its own key', CERT, CERT, 'tls: found a certificate rather than a key in the PEM for the private key'],
    ['client = [["k", "c"]]: swapped', KEY, CERT, 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched'],
    ['client = "k": a key alone', KEY, KEY, 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched'],
    ['client = [["c", "c"]]', CERT, CERT, 'tls: found a certificate rather than a key in the PEM for the private key'],
    ['the pair in order', CERT, KEY, undefined],
    ['an EC key, the chain first', CERT + block('CERTIFICATE'), block('EC PARAMETERS') + block('EC PRIVATE KEY'), undefined],
    ['no PEM in the certificate file', 'MIIB', KEY, 'tls: failed to find any PEM data in certificate input'],
    ['no PEM in the key file', CERT, 'MIIB', 'tls: failed to find any PEM data in key input'],
    ['a CSR as the certificate', block('CERTIFICATE REQUEST'), KEY, 'tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [CERTIFICATE REQUEST]'],
    ['a public key and a certificate as the key', CERT, block('PUBLIC KEY') + CERT, 'tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [PUBLIC KEY CERTIFICATE]'],
  ])('%s', (_name, cert, key, want) => {
    expect(x509KeyPairError(cert, key)).toBe(want);
  });

  it('reads block types in order, only from whole blocks', () => {
    expect(pemBlockTypes(`${CERT}junk\n${block('EC PRIVATE KEY')}-----BEGIN CERTIFICATE-----\nMIIB\n`)).toEqual(['CERTIFICATE', 'EC PRIVATE KEY']);
  });
});
