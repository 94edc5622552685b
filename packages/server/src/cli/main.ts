#!/usr/bin/env node
// The `kubeauth` command: `serve` (the API server), `token inspect`, `keys rotate`, `proxy` (later).
import { FlagError, usage } from './flags.js';
import { serverConfig } from './config.js';
import { parseServeOptions, serveFlags } from './options.js';

const help = `kubeauth — the identity and access-control half of the Kubernetes API server

Usage:
  kubeauth serve [flags]        Start the API server (HTTPS, kube-apiserver flag names)
  kubeauth token inspect TOKEN  Decode a token's header and claims (no verification)
  kubeauth keys rotate [flags]  Add a new service-account signing key (see README)

Run 'kubeauth serve --help' for the server's flags.
`;

async function serve(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`Usage:\n  kubeauth serve [flags]\n\nFlags:\n${usage(serveFlags)}\n`);
    return;
  }
  const config = await serverConfig(parseServeOptions(argv));
  const started = performance.now();
  const { startServer } = await import('../server/app.js');
  const s = await startServer(config);
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

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
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
    case 'keys': {
      const { keysCommand } = await import('./keys.js');
      return keysCommand(rest);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(help);
      return;
    default:
      throw new FlagError(`unknown command "${cmd}" for "kubeauth"`);
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
