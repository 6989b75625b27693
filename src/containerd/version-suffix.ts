/**
 * What follows `X.Y.Z` in a containerd version string, and which upstream version it stands for.
 *
 * Upstream tags are `vX.Y.Z` and `vX.Y.Z-{alpha,beta,rc}[.N]`; builds from source print
 * `git describe` (`v1.7.24-12-gabc1234[.m]`), builds without a version stamp print the default of
 * version/version.go (`2.1.9+unknown`), builds that pin a commit in go.mod print a Go
 * pseudo-version (`v1.7.28-0.20250603120000-abcdef123456`), and distributions add their own
 * package suffix (`-k3s2`, `-0ubuntu1`, `~ds1-1+deb12u3`, `+azure-1`, `+bottlerocket`).
 */

export interface VersionSuffix {
  /** The upstream patch number the string stands for (a Go pseudo-version counts from the tag before). */
  patch: number;
  /** Upstream pre-release (`rc.1`, `beta.0`, `beta`), empty for a release. */
  prerelease: string;
  /** The text after the upstream version that is not an upstream pre-release, as written. */
  build: string;
  /** How the string maps to the upstream version, when it is not a plain upstream tag. */
  note?: string;
  /** True when the upstream version is exactly known (a package of that release); false when it is approximate. */
  exact: boolean;
}

const PRERELEASE = /^-((?:alpha|beta|rc)(?:\.\d+)?)/;
const GIT_DESCRIBE = /^-(\d+)-g([0-9a-f]{7,40})(\.m|-dirty)?/;
/** `-0.20250603120000-abcdef123456` (after a release) or `.0.2025…-…` (after a pre-release or distribution tag). */
const PSEUDO_AFTER_RELEASE = /^-0\.(\d{14})-([0-9a-f]{12})$/;
const PSEUDO_TAIL = /\.0\.(\d{14})-([0-9a-f]{12})$/;

/** Distribution package suffixes seen on real nodes, by the word that names them. */
const DISTRIBUTIONS: Array<[RegExp, string]> = [
  [/k3s/i, 'a k3s/RKE2 build (github.com/k3s-io/containerd)'],
  [/ubuntu/i, 'an Ubuntu package'],
  [/deb\d|~ds\d|\+ds\d/i, 'a Debian package'],
  [/azure/i, 'an Azure build (moby-containerd)'],
  [/bottlerocket/i, 'a Bottlerocket build'],
  [/gke/i, 'a GKE build'],
  [/amzn/i, 'an Amazon Linux package'],
  [/\.el\d|\.fc\d/i, 'a RHEL/Fedora package'],
  [/^-\d+$/, 'a package (revision suffix)'],
];

/**
 * Reads the suffix of `major.minor.patch`. A suffix no rule knows is still read as a build of the
 * upstream version, with `exact: false` so the caller states the assumption.
 */
export function readVersionSuffix(major: number, minor: number, patch: number, suffix: string): VersionSuffix {
  const tag = (p: number, pre = '') => `v${major}.${minor}.${p}${pre ? `-${pre}` : ''}`;
  if (suffix === '') return { patch, prerelease: '', build: '', exact: true };

  const pseudo = PSEUDO_AFTER_RELEASE.exec(suffix);
  if (pseudo) {
    if (patch > 0) {
      return { patch: patch - 1, prerelease: '', build: suffix, exact: false, note: `a Go pseudo-version of commit ${pseudo[2]}, made after ${tag(patch - 1)}; results follow ${major}.${minor}.${patch - 1} and miss what changed after it` };
    }
    return { patch, prerelease: '', build: suffix, exact: false, note: `a Go pseudo-version of commit ${pseudo[2]}, made before ${tag(0)}; results follow ${major}.${minor}.0, which that commit may not have reached` };
  }

  let rest = suffix;
  let prerelease = '';
  const pre = PRERELEASE.exec(rest);
  if (pre) {
    prerelease = pre[1]!;
    rest = rest.slice(pre[0].length);
  }
  const base = `${major}.${minor}.${patch}${prerelease ? `-${prerelease}` : ''}`;
  if (rest === '') return { patch, prerelease, build: '', exact: true };

  const describe = GIT_DESCRIBE.exec(rest);
  if (describe) {
    const dirty = describe[3] ? ' with uncommitted changes' : '';
    return { patch, prerelease, build: rest, exact: false, note: `a development build ${describe[1]} commit(s) after ${tag(patch, prerelease)}${dirty} (git describe); results follow ${base} and miss what changed after it` };
  }
  const pseudoTail = PSEUDO_TAIL.exec(rest);
  if (pseudoTail) {
    const origin = DISTRIBUTIONS.find(([re]) => re.test(rest.slice(0, pseudoTail.index)))?.[1];
    return { patch, prerelease, build: rest, exact: false, note: `a Go pseudo-version of commit ${pseudoTail[2]}, made after ${tag(patch, prerelease)}${rest.slice(0, pseudoTail.index)}${origin ? ` (${origin})` : ''}; results follow ${base} and miss what changed after it` };
  }
  if (rest === '+unknown') {
    return { patch, prerelease, build: rest, exact: true, note: `built without a version stamp (\`+unknown\` is the default in containerd's version/version.go); results follow ${base}` };
  }
  const origin = DISTRIBUTIONS.find(([re]) => re.test(rest))?.[1];
  if (origin) {
    return { patch, prerelease, build: rest, exact: true, note: `${origin} of containerd ${base}; results follow upstream ${base} (the distribution's own patches are not modelled)` };
  }
  return {
    patch,
    prerelease,
    build: rest,
    exact: false,
    note: `the suffix ${JSON.stringify(rest)} is neither an upstream containerd pre-release (-alpha, -beta, -rc) nor a known distribution's; read as a build of ${base}`,
  };
}
