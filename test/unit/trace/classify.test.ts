/**
 * The status at the end of a blob's error, as ctr printed it in the lab (a mirror that serves the
 * manifests and answers every blob with 403 and a registry error body `{"errors":[{"code":"DENIED",…}]}`):
 * 1.6/1.7 add the body's errors after ` - Server message: ` (remotes/docker/fetcher.go), 2.x on the next line.
 */
import { describe, expect, it } from 'vitest';
import { outcomeFromError, statusInError } from '../../../src/trace/classify.js';

const PRINTED: [string, string][] = [
  ['1.6.20', 'failed to copy: httpReadSeeker: failed open: unexpected status code http://127.0.0.1:5730/v2/library/mirror-doctor-demo/blobs/sha256:94e43b282a7e843959b3861eeed14148a8ab907367437ce095d1093f44d55f33?ns=docker.io: 403 Forbidden - Server message: denied'],
  ['1.7.24', 'failed to copy: httpReadSeeker: failed open: unexpected status code http://127.0.0.1:5730/v2/library/mirror-doctor-demo/blobs/sha256:26fa2672726c0b205b7c09c54184b8815868151bf56ae85d946a2ea720d116c9?ns=docker.io: 403 Forbidden - Server message: denied'],
  ['2.1.9', 'failed to copy: httpReadSeeker: failed open: unexpected status from GET request to http://127.0.0.1:5730/v2/library/mirror-doctor-demo/blobs/sha256:4f38a2c5440927ce9adf8d15f3e4f56e6ec194709b6f982bc1009b467567f8e7?ns=docker.io: 403 Forbidden'],
  // the CRI pull's error: 2.x puts the registry's errors on the lines after the status
  ['2.1.9 CRI', 'failed to pull and unpack image "docker.io/library/mirror-doctor-demo:1.0": failed to copy: httpReadSeeker: failed open: unexpected status from GET request to http://127.0.0.1:5730/v2/library/mirror-doctor-demo/blobs/sha256:26fa2672726c0b205b7c09c54184b8815868151bf56ae85d946a2ea720d116c9?ns=docker.io: 403 Forbidden\ndenied'],
];

describe('a blob error with the status at its end', () => {
  it.each(PRINTED)('%s: 403, forbidden', (_v, e) => {
    expect(statusInError(e)).toBe(403);
    expect(outcomeFromError(e)).toBe('forbidden');
  });
});

describe('outcomeFromError: nerdctl refusing the mirror the registry credentials', () => {
  it("is the mirror's 401 (containerd's authorizer asks the credentials callback only for one; containerd#10922, nerdctl 1.7.5)", () => {
    expect(outcomeFromError('expected credFuncExpectedHostname="hub.xxx.com" (refHostname="hub.xxx.com"), got credFuncArg="mirror.xxx.com"')).toBe('unauthorized');
  });
});
