// The `yaml` package, loaded on first use: it costs ~40 ms at start and most requests are JSON.
import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');
let mod: YamlModule | undefined;

export function yaml(): YamlModule {
  return (mod ??= createRequire(import.meta.url)('yaml') as YamlModule);
}
