// The stability level kube's metrics declare (k8s.io/component-base/metrics: ALPHA, BETA, STABLE) and how it shows
// in the exposition: component-base prefixes each registered metric's help with `[LEVEL] `, and a deprecated one's
// with `[LEVEL] (Deprecated since X.Y.Z) ` (markDeprecated, then annotateStabilityLevel). Every kube metric kubeauth
// defines builds its help here, so the HELP lines read as kube-apiserver's do.
export type StabilityLevel = 'ALPHA' | 'BETA' | 'STABLE';

/** A kube metric's help text as component-base exposes it: `[LEVEL] (Deprecated since V) help`. */
export function kubeHelp(level: StabilityLevel, help: string, deprecatedVersion?: string): string {
  return deprecatedVersion === undefined
    ? `[${level}] ${help}`
    : `[${level}] (Deprecated since ${deprecatedVersion}) ${help}`;
}
