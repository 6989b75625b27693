/** Where `fleet manifest` puts things in the pod, and the node folders it mounts besides the distribution's. */

/** Where the node's files appear in the pod (`check --root`). */
export const HOST_ROOT = '/host';
/** The mounted ConfigMap: the launcher and the compressed build. */
export const TOOL_DIR = '/opt/mirror-doctor';
/** Written by the launcher when check has finished (the DaemonSet's readiness probe). */
export const DONE_FILE = '/tmp/mirror-doctor.done';
/** Where Go (ctr) looks first for the system CA bundle. */
export const CA_FILE_IN_POD = '/etc/ssl/certs/ca-certificates.crt';
export const SYSTEMD_UNIT_DIRS = ['/etc/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];
