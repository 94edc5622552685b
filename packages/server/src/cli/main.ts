#!/usr/bin/env node
// The `kubeauth` command: `serve` (the API server), `proxy`, `token inspect`, `keys rotate|prune|list`, `rbac`, `ui`,
// `version`.
import { FlagError, usage } from './flags.js';
import { serverConfig } from './config.js';
import { parseServeOptions, serveFlags } from './options.js';

const help = `kubeauth — the identity and access-control half of the Kubernetes API server

Usage:
  kubeauth [command]

Available Commands:
  serve       Start the API server (HTTPS, kube-apiserver flag names)
  proxy       Authenticate and authorize requests in front of a service (kube-rbac-proxy flags)
  token       Inspect service-account tokens
  keys        Rotate, prune and list service-account signing keys
  audit2rbac  Least-privilege RBAC objects from an audit log
  rbac        who-can, explain, matrix, lint, test: RBAC answers, live or from manifests
  ui          The web inspector against any cluster (a local server holding the kubeconfig)
  version     Print the kubeauth version
  help        Help about any command

Flags:
  -h, --help      help for kubeauth
      --version   version for kubeauth

Use "kubeauth [command] --help" for more information about a command.
`;

const isHelp = (argv: string[]) => argv.includes('--help') || argv.includes('-h');

async function serve(argv: string[]): Promise<void> {
  if (isHelp(argv)) {
    process.stdout.write(`Usage:\n  kubeauth serve [flags]\n\nFlags:\n${usage(serveFlags)}\n`);
    return;
  }
  const opts = parseServeOptions(argv);
  const config = await serverConfig(opts);
  const started = performance.now();
  const { startServer } = await import('../server/app.js');
  const s = await startServer(config).catch(async (e: unknown) => {
    const { explainStartError } = await import('./start-errors.js');
    throw explainStartError(e, opts) ?? e;
  });
  const ms = Math.round(performance.now() - started);
  let stopping = false;
  const stop = (sig: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(
      JSON.stringify({ level: 'info', time: new Date().toISOString(), msg: `received ${sig}, shutting down` }) + '\n',
    );
    const t = setTimeout(() => process.exit(1), 30_000);
    t.unref();
    s.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Handlers first: whoever reads the ready line may signal at once, and a clean stop releases the data dir.
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.write(
    `kubeauth ready on ${s.url} in ${ms} ms — export KUBECONFIG=${s.kubeconfigPath} && kubectl get sa -A\n`,
  );
}

async function version(argv: string[]): Promise<void> {
  if (isHelp(argv)) {
    process.stdout.write('Print the kubeauth version\n\nUsage:\n  kubeauth version\n');
    return;
  }
  if (argv.length) throw new FlagError(`unexpected argument: ${argv[0]}`);
  const { kubeauthVersion } = await import('../server/app.js');
  const { kubernetesVersion } = await import('../server/nonresource.js');
  process.stdout.write(`kubeauth ${kubeauthVersion} (Kubernetes ${kubernetesVersion.gitVersion} API)\n`);
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'version':
    case '--version':
      return version(rest);
    case 'serve':
      return serve(rest);
    case 'token': {
      const { tokenCommand } = await import('./token.js');
      return tokenCommand(rest);
    }
    case 'proxy': {
      const { proxyCommand } = await import('../proxy/command.js');
      return proxyCommand(rest);
    }
    case 'audit2rbac': {
      const { audit2rbacCommand } = await import('../audit2rbac/command.js');
      return audit2rbacCommand(rest);
    }
    case 'keys': {
      const { keysCommand } = await import('./keys.js');
      return keysCommand(rest);
    }
    case 'rbac': {
      const { rbacCommand } = await import('./rbac.js');
      process.exitCode = await rbacCommand(rest);
      return;
    }
    case 'ui': {
      const { uiCommand } = await import('./ui.js');
      return uiCommand(rest);
    }
    case 'help':
      // `kubeauth help keys` is `kubeauth keys --help`, as with cobra.
      if (rest.length) return main([...rest, '--help']);
      process.stdout.write(help);
      return;
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(help);
      return;
    default:
      throw new FlagError(
        cmd.startsWith('-')
          ? `unknown flag: ${cmd}\nRun 'kubeauth --help' for usage.`
          : `unknown command "${cmd}" for "kubeauth"\nRun 'kubeauth --help' for usage.`,
      );
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  if (e instanceof FlagError) {
    process.stderr.write(`Error: ${e.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`Error: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
