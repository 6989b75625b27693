/**
 * k3s and RKE2 write config.toml and the certs.d hosts.toml files from registries.yaml at every
 * start: a fix that edits one of them lasts until the next start. Such a finding gets a first fix
 * line that says where the change belongs, unless its fix already says so.
 */
import { goPathClean } from '../containerd/go-url.js';
import type { Facts } from './facts.js';
import type { Finding } from './finding.js';
import { restartCommand, rewritesFromRegistriesYaml } from './make.js';

export function withGeneratedNote(f: Finding, facts: Facts): Finding {
  const dist = facts.distribution;
  if (dist.kind === 'talos') return withTalosNote(f);
  if (dist.kind === 'microk8s') return withMicrok8sNote(f, facts);
  const k3s = rewritesFromRegistriesYaml(facts);
  if (!k3s || f.fix.length === 0) return f;
  const text = f.fix.join('\n');
  const yaml = `/etc/rancher/${k3s}/registries.yaml`;
  if (text.includes('registries.yaml') || (dist.template && text.includes(dist.template))) return f;
  const certs = dist.certsDir ? goPathClean(dist.certsDir) : null;
  // a hosts.toml finding edits the file its evidence names, even where the fix shows only the lines
  const hostsFile = certs !== null && (text.includes(`${certs}/`) || (f.layer === 'hosts-toml' && f.evidence.some((e) => e.kind === 'file' && e.source.startsWith(`${certs}/`))));
  const configFile = text.includes(facts.configFile);
  if (!hostsFile && !configFile) return f;
  const what = hostsFile ? `the hosts.toml files under ${certs}` : facts.configFile;
  const note =
    `${what} ${hostsFile ? 'are' : 'is'} written by ${k3s} when it starts, so the edit below lasts until its next start: make the same change in ${yaml} ` +
    `(mirror URLs under mirrors.<registry>.endpoint, TLS settings and credentials under configs.<host>)${!hostsFile && dist.template ? ` or in ${dist.template}` : ''}, then: ${restartCommand(facts)}`;
  return { ...f, fix: [note, ...f.fix.map((l) => l.replace(/; no restart needed$|: no restart needed$/, ''))] };
}

/** Talos writes /etc/cri (config and hosts folders) from the machine config: the change goes there. */
function withTalosNote(f: Finding): Finding {
  const text = f.fix.join('\n');
  if (f.fix.length === 0 || /machine\.registries\.(mirrors|config)/.test(text) || !/\/etc\/cri\//.test(text + f.evidence.map((e) => e.source).join('\n'))) return f;
  const note =
    'Talos writes /etc/cri and its hosts folders from the machine config, so an edit there does not last: make the change in machine.registries ' +
    '(mirrors.<registry>.endpoints for mirror URLs, config.<host>.tls and .auth for TLS settings and credentials), e.g. talosctl -n <node> patch machineconfig';
  return { ...f, fix: [note, ...f.fix.filter((l) => !l.startsWith('systemctl '))] };
}

/** MicroK8s renders containerd.toml from containerd-template.toml at start; its certs.d files are the user's. */
function withMicrok8sNote(f: Finding, facts: Facts): Finding {
  const dist = facts.distribution;
  const text = f.fix.join('\n');
  if (!dist.generated || !dist.template || f.fix.length === 0 || text.includes(dist.template) || !text.includes(facts.configFile)) return f;
  const note = `${facts.configFile} is rendered from ${dist.template} when MicroK8s starts, so the edit below lasts until then: make it in ${dist.template}, then: microk8s stop && microk8s start`;
  return { ...f, fix: [note, ...f.fix] };
}
