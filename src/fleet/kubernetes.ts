/**
 * The names `fleet manifest` gives its objects and `fleet collect` looks for, and Kubernetes' rules
 * for names. Kept apart from the manifest builder so that `collect` and the CLI wiring load no YAML.
 */
export const DEFAULT_NAMESPACE = 'mirror-doctor';
/** Debian-based (glibc), so that a host's dynamically linked ctr runs in it; any image with `node` ≥ 20 on PATH works. */
export const DEFAULT_IMAGE = 'node:22-bookworm-slim';
/** The label every pod carries; `fleet collect` finds the pods with it. */
export const APP_LABEL = 'app.kubernetes.io/name';
export const APP_NAME = 'mirror-doctor';
export const DEFAULT_SELECTOR = `${APP_LABEL}=${APP_NAME}`;
/** The labels of every object `fleet manifest` makes; `component` says which part it is. */
export function fleetLabels(component: string): Record<string, string> {
  return { [APP_LABEL]: APP_NAME, 'app.kubernetes.io/component': component, 'app.kubernetes.io/managed-by': APP_NAME };
}
/** Set from the pod's spec.nodeName; `check` names the node in its report with it. */
export { NODE_NAME_ENV } from '../checks/facts.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Namespaces and most object names. */
export function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

/** Node names. */
export function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}
