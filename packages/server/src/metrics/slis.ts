// /metrics/slis: the health-check SLIs of component-base/metrics/prometheus/slis (kubernetes_healthcheck and
// kubernetes_healthchecks_total, labelled by check name and endpoint type). The checks are evaluated at each
// scrape: kubeauth's checks are in-memory and cheap.
import { Counter, Gauge, Registry } from 'prom-client';
import { kubeHelp } from './stability.js';

export interface NamedCheck {
  name: string;
  /** undefined = ok, else the failure reason; a check that reads something real (storage) answers later. */
  check(): string | undefined | Promise<string | undefined>;
}

export class HealthSlis {
  readonly registry = new Registry();
  private readonly healthcheck = new Gauge({
    name: 'kubernetes_healthcheck',
    help: kubeHelp('STABLE', 'This metric records the result of a single healthcheck.'),
    labelNames: ['name', 'type'],
    registers: [this.registry],
  });
  private readonly total = new Counter({
    name: 'kubernetes_healthchecks_total',
    help: kubeHelp('STABLE', 'This metric records the results of all healthcheck.'),
    labelNames: ['name', 'status', 'type'],
    registers: [this.registry],
  });

  constructor(
    private readonly checks: { healthz: () => NamedCheck[]; livez: () => NamedCheck[]; readyz: () => NamedCheck[] },
  ) {}

  async text(): Promise<string> {
    for (const type of ['healthz', 'livez', 'readyz'] as const)
      for (const c of this.checks[type]()) {
        const ok = (await c.check()) === undefined;
        this.healthcheck.set({ name: c.name, type }, ok ? 1 : 0);
        this.total.inc({ name: c.name, status: ok ? 'success' : 'error', type });
      }
    return this.registry.metrics();
  }
}
