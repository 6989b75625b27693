import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { LAB_AUTH, type LabPaths } from './layout.js';

/**
 * Makes the lab's certificate authority and a server certificate for 127.0.0.1/localhost
 * with openssl, the htpasswd file of the basic-auth mirror and the token server's signing
 * certificate. Idempotent.
 */
export async function ensurePki(paths: LabPaths): Promise<void> {
  mkdirSync(paths.pki, { recursive: true, mode: 0o700 });
  if (!existsSync(paths.caCert) || !existsSync(paths.caKey)) {
    await execa('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30',
      '-subj', '/CN=mirror-doctor lab CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
      '-keyout', paths.caKey, '-out', paths.caCert,
    ]);
  }
  if (!existsSync(paths.serverCert) || !existsSync(paths.serverKey)) {
    const csr = `${paths.serverKey}.csr`;
    const ext = `${paths.serverKey}.ext`;
    writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
    await execa('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', '/CN=127.0.0.1', '-keyout', paths.serverKey, '-out', csr]);
    await execa('openssl', [
      'x509', '-req', '-in', csr, '-CA', paths.caCert, '-CAkey', paths.caKey, '-CAcreateserial',
      '-days', '30', '-sha256', '-extfile', ext, '-out', paths.serverCert,
    ]);
  }
  if (!existsSync(paths.tokenCert) || !existsSync(paths.tokenKey)) {
    await execa('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '30', '-subj', '/CN=mirror-doctor lab token server', '-keyout', paths.tokenKey, '-out', paths.tokenCert]);
  }
  if (!existsSync(paths.htpasswd)) {
    const r = await execa('htpasswd', ['-Bbn', LAB_AUTH.user, LAB_AUTH.password]);
    writeFileSync(paths.htpasswd, `${r.stdout.trim()}\n`, { mode: 0o600 });
  }
}
