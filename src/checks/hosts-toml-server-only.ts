/** A hosts.toml of `server` alone, the registry's own: what minikube ships for docker.io. */
import { parse as parseToml } from 'smol-toml';

/** The file holds only `server`, naming the registry's default endpoint (what a discarded file falls back to), or null. */
export function onlyDefaultServer(text: string | undefined, registryHost: string | null): string | null {
  if (!text || !registryHost) return null;
  try {
    const data = parseToml(text) as Record<string, unknown>;
    const keys = Object.keys(data);
    const want = `https://${registryHost === 'docker.io' ? 'registry-1.docker.io' : registryHost}`;
    return keys.length === 1 && typeof data.server === 'string' && data.server.replace(/\/+$/, '') === want ? want : null;
  } catch {
    return null;
  }
}
