import { KubeConnection } from '../index.js';

// In a Pod: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT, trusting the mounted ca.crt and sending
// the projected ServiceAccount token (re-read at most once a minute, like client-go).
export const inCluster = (): KubeConnection => KubeConnection.inCluster();

// A kubeconfig ($KUBECONFIG or ~/.kube/config): its current context, or the one you name.
export const fromKubeconfig = (context?: string): KubeConnection => KubeConnection.fromKubeconfig({ context });

// $KUBECONFIG if set, else in-cluster, else ~/.kube/config (what controller-runtime does).
export const fromEnvironment = (): KubeConnection => KubeConnection.fromEnvironment();

// Explicit settings: PEM inline (ca, cert, key) or as files (caFile, certFile, keyFile); timeout default 10 s.
export const explicit = (server: string, caFile: string, tokenFile: string): KubeConnection =>
  new KubeConnection({ server, caFile, tokenFile, timeoutMs: 5_000 });
