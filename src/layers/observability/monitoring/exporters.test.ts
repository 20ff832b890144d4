// The exporters on the monitor: blackbox.yml defines exactly the modules prometheus.yml names and the exporter's
// own --config.check accepts it; the real blackbox exporter, run with it on loopback, judges each kind of target
// as the module's name says; the validator locates a planted error; the roles and the play that install
// Prometheus, Alertmanager and the blackbox exporter on the monitor, and their apply step.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkWith, removeSites, where } from '../../../../test/support/check-site.ts';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { freePort, startDaemon } from '../../../../test/support/local-daemon.ts';
import { isRoot, needTool } from '../../../../test/support/tools.ts';
import { BLACKBOX_EXPORTER, blackboxExporter } from '../../../check/validators/blackbox.ts';
import { renderSite } from '../../../project/render-site.ts';
import { PHYSICAL_STEPS } from '../../physical/steps.ts';
import { observabilityLayer } from '../index.ts';
import { OBSERVABILITY_PLAYBOOK } from '../playbook.ts';
import { BLACKBOX_FILE } from './blackbox-config.ts';
import { renderMonitoring } from './render.ts';
import { blackboxModules, scrapeJobs } from './scrape-jobs.ts';
import { MONITORING_STEP } from './steps.ts';

afterAll(removeSites);

const EXAMPLES = ['reference', 'compact', 'single'] as const;
const blackboxOf = (name: (typeof EXAMPLES)[number]) =>
  renderMonitoring(exampleSite(name)).get(BLACKBOX_FILE)!.content;

describe('blackbox.yml', () => {
  it.each(EXAMPLES)('%s: defines exactly the modules its scrape jobs name', (name) => {
    const modules = parse(blackboxOf(name)).modules;
    expect(Object.keys(modules)).toEqual(blackboxModules(scrapeJobs(exampleSite(name))));
  });

  it('verifies certificates by name, not by address, and expects the status the health check names', () => {
    const modules = parse(blackboxOf('reference')).modules;
    expect(modules.https_2xx.http).toEqual({ preferred_ip_protocol: 'ip4', fail_if_not_ssl: true });
    expect(modules.https_insecure_401.http).toEqual({
      valid_status_codes: [401],
      preferred_ip_protocol: 'ip4',
      fail_if_not_ssl: true,
      tls_config: { insecure_skip_verify: true },
    });
    expect(modules.icmp).toEqual({ prober: 'icmp', timeout: '5s', icmp: { preferred_ip_protocol: 'ip4' } });
  });
});

describe.runIf(needTool(BLACKBOX_EXPORTER, 'apt-get install prometheus-blackbox-exporter'))(
  'the blackbox exporter',
  () => {
    it.each(EXAMPLES)(
      '%s: --config.check accepts the rendered blackbox.yml',
      async (name) => {
        const r = await checkWith(blackboxExporter, { [BLACKBOX_FILE]: blackboxOf(name) });
        expect(r.diagnostics).toEqual([]);
        expect(r.status).toBe('passed');
      },
      60_000,
    );

    it('the validator locates an unknown field and a YAML error at their lines', async () => {
      const good = blackboxOf('single');
      const unknown = good.replace(
        '      preferred_ip_protocol: ip4\n',
        '      preferred_ip_protokol: ip4\n',
      );
      const line = unknown.split('\n').findIndex((l) => l.includes('protokol')) + 1;
      const r = await checkWith(blackboxExporter, {
        [BLACKBOX_FILE]: unknown,
        'other/blackbox.yml': 'modules:\n  icmp: [\n',
      });
      expect(r.status).toBe('failed');
      expect(where(r).sort()).toEqual([
        `${BLACKBOX_FILE}:${line}: error blackbox-exporter`,
        'other/blackbox.yml:2: error blackbox-exporter',
      ]);
      expect(r.diagnostics.map((d) => d.message).join('\n')).toContain(
        'field preferred_ip_protokol not found',
      );
    }, 60_000);

    describe('run with the rendered modules on loopback', () => {
      let stop = async () => {};
      let exporter = '';
      let http: Server | undefined;
      let https: Server | undefined;
      let dir = '';
      const port = (s: Server | undefined) => (s!.address() as AddressInfo).port;
      const listen = (s: Server) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r));

      beforeAll(async () => {
        dir = mkdtempSync(join(tmpdir(), 'beelab-blackbox-'));
        writeFileSync(join(dir, 'blackbox.yml'), blackboxOf('reference'));
        // A health URL that wants a login (401), and a self-signed HTTPS server such as Proxmox VE's.
        http = createHttp((_q, res) => {
          res.statusCode = 401;
          res.end();
        });
        execFileSync(
          'openssl',
          ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2']
            .concat(['-subj', '/CN=pve1.lab.example.com'])
            .concat(['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
          { stdio: 'ignore' },
        );
        https = createHttps(
          { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
          (q, res) => {
            res.statusCode = q.url === '/login' ? 401 : 200;
            res.end('ok');
          },
        );
        await Promise.all([listen(http), listen(https)]);
        const p = await freePort();
        exporter = `http://127.0.0.1:${p}`;
        ({ stop } = await startDaemon(
          BLACKBOX_EXPORTER,
          [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${p}`],
          `${exporter}/-/healthy`,
        ));
      }, 30_000);

      afterAll(async () => {
        await stop();
        http?.close();
        https?.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      const probe = async (module: string, target: string) => {
        const text = await (
          await fetch(`${exporter}/probe?module=${module}&target=${encodeURIComponent(target)}`)
        ).text();
        return Number(/^probe_success (\S+)$/m.exec(text)?.[1]);
      };

      it('each module judges a target as its name says', async () => {
        const h = `127.0.0.1:${port(http)}`;
        const s = `https://127.0.0.1:${port(https)}/`;
        const closed = await freePort();
        expect({
          'https_insecure_401 on a 401 over HTTP (not TLS)': await probe(
            'https_insecure_401',
            `http://${h}/`,
          ),
          'https_insecure_401 on the self-signed 401': await probe('https_insecure_401', `${s}login`),
          'http_2xx on the 401': await probe('http_2xx', `http://${h}/`),
          'https_insecure_200 on the self-signed server': await probe('https_insecure_200', s),
          'https_2xx on the self-signed server (untrusted)': await probe('https_2xx', s),
          'tcp_connect on the HTTP port': await probe('tcp_connect', h),
          'tcp_connect on a closed port': await probe('tcp_connect', `127.0.0.1:${closed}`),
        }).toEqual({
          'https_insecure_401 on a 401 over HTTP (not TLS)': 0,
          'https_insecure_401 on the self-signed 401': 1,
          'http_2xx on the 401': 0,
          'https_insecure_200 on the self-signed server': 1,
          'https_2xx on the self-signed server (untrusted)': 0,
          'tcp_connect on the HTTP port': 1,
          'tcp_connect on a closed port': 0,
        });
      }, 30_000);

      it.runIf(isRoot())('icmp pings (raw sockets: root here, cap_net_raw on the monitor)', async () => {
        expect(await probe('icmp', '127.0.0.1')).toBe(1);
      });
    });
  },
);

describe('the monitor’s Ansible', () => {
  const site = exampleSite('reference');
  const files = renderSite(site);

  it('one play installs the exporters, Alertmanager, Prometheus and Grafana on the monitor host', () => {
    const plays = parse(files.get(OBSERVABILITY_PLAYBOOK)!.content) as { hosts: string; roles: string[] }[];
    expect(plays[0]).toMatchObject({
      hosts: site.observability.monitor,
      roles: [
        'blackbox_exporter',
        'pve_exporter',
        'pbs_exporter',
        'nut_exporter',
        'alertmanager',
        'prometheus',
        'grafana',
      ],
      vars: { pve_exporter_version: '3.10.2', pbs_exporter_version: '0.9.3', nut_exporter_version: '3.2.5' },
    });
    for (const role of plays[0]!.roles) expect(files.has(`ansible/roles/${role}/tasks/main.yml`)).toBe(true);
    // Each role checks its file with the daemon's own tool before it replaces the running one.
    const tasks = (role: string) => files.get(`ansible/roles/${role}/tasks/main.yml`)!.content;
    expect(tasks('prometheus')).toContain('validate: /usr/bin/promtool check rules %s');
    expect(tasks('alertmanager')).toContain('validate: /usr/bin/amtool check-config %s');
    expect(tasks('blackbox_exporter')).toContain('--config.check --config.file=%s');
  });

  it('one apply step runs it after the Debian base and reads the rendered monitoring files', () => {
    const steps = observabilityLayer.steps!(site, files);
    const step = steps.find((s) => s.id === MONITORING_STEP)!;
    expect(step.hosts).toEqual([site.observability.monitor]);
    expect(step.after).toEqual([PHYSICAL_STEPS.base]);
    expect(step.run).toMatchObject({ kind: 'ansible-playbook', tags: ['monitoring'] });
    expect(step.secrets).toEqual(['grafana-admin-password', 'pbs-exporter-token']);
    for (const f of [
      BLACKBOX_FILE,
      'monitoring/alertmanager/alertmanager.yml',
      'monitoring/prometheus/prometheus.yml',
      'ansible/roles/prometheus/tasks/main.yml',
      'monitoring/grafana/dashboards/beelab-overview.json',
      'ansible/roles/grafana/tasks/main.yml',
    ])
      expect(step.inputs).toContain(f);
  });
});
