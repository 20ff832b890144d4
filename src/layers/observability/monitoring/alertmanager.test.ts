// Alertmanager from the spec's alert channels: amtool accepts the rendered config of every example, the real
// routing tree (amtool config routes test) sends each severity and layer to the channels that asked for it, the
// real Alertmanager inhibits a dead host's service alerts and what sits behind a dead firewall, and the channel
// problems are located warnings and errors in beelab.yaml.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { checkWith, removeSites } from '../../../../test/support/check-site.ts';
import { exampleSite } from '../../../../test/support/example-sites.ts';
import { freePort, startDaemon } from '../../../../test/support/local-daemon.ts';
import { needTool } from '../../../../test/support/tools.ts';
import { amtool } from '../../../check/validators/amtool.ts';
import { formatLocation } from '../../../kernel/diagnostic.ts';
import { renderSite } from '../../../project/render-site.ts';
import { parseSiteSpec } from '../../../project/spec.ts';
import { SMTP_PASSWORD_SECRET, siteSecrets } from '../../../secrets/catalog.ts';
import type { Site } from '../../../site/types.ts';
import { resolveSite } from '../../index.ts';
import { observabilityLayer } from '../index.ts';
import { OBSERVABILITY_PLAYBOOK } from '../playbook.ts';
import { ALERTMANAGER_FILE } from './alertmanager-config.ts';
import { renderMonitoring } from './render.ts';
import { MONITORING_STEP } from './steps.ts';

const run = promisify(execFile);
afterAll(removeSites);

const REFERENCE = readFileSync(
  new URL('../../../../examples/reference/beelab.yaml', import.meta.url),
  'utf8',
);
const CHANNEL = '    - type: email\n      target: admin@example.com\n';

/** The reference build with other alert channels (YAML lines under observability.alerts). */
function withChannels(channels: string): string {
  if (!REFERENCE.includes(CHANNEL)) throw new Error('the reference example no longer has its e-mail channel');
  return REFERENCE.replace(CHANNEL, channels);
}

function siteOf(text: string): Site {
  const parsed = parseSiteSpec(text);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.spec || errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '));
  return resolveSite(parsed.spec).site;
}

const configOf = (site: Site) => renderMonitoring(site).get(ALERTMANAGER_FILE)!.content;

/** Four channels: e-mail for everything, ntfy for criticals, a webhook for the backup layer, and Matrix. */
const MIXED = withChannels(
  [
    '    - type: email',
    '      target: oncall@example.com',
    '    - type: ntfy',
    '      target: https://ntfy.sh/lab-alerts',
    '      severity: critical',
    '    - type: webhook',
    '      target: https://hooks.example.com/backups',
    '      layers: [backup]',
    '    - type: matrix',
    "      target: '!ops:matrix.org'",
    '',
  ].join('\n'),
);

describe('alertmanager.yml', () => {
  it('routes every severity to the channels that take it and names the inhibitions', () => {
    const am = parse(configOf(siteOf(MIXED)));
    expect(am.receivers.map((r: { name: string }) => r.name)).toEqual([
      'nobody',
      'email-1',
      'ntfy-2-critical',
      'webhook-3',
    ]);
    // Every channel hears when its alert resolves (the monitoring lab test sees it arrive).
    const configs = am.receivers.flatMap((r: { email_configs?: unknown[]; webhook_configs?: unknown[] }) => [
      ...(r.email_configs ?? []),
      ...(r.webhook_configs ?? []),
    ]);
    expect(configs).toHaveLength(3);
    for (const c of configs) expect(c).toMatchObject({ send_resolved: true });
    expect(am.route.routes.map((r: { matchers: string[] }) => r.matchers)).toEqual([
      ['severity="critical"'],
      ['severity="warning"'],
    ]);
    const ntfy = new URL(am.receivers[2].webhook_configs[0].url);
    expect(ntfy.origin + ntfy.pathname).toBe('https://ntfy.sh/lab-alerts');
    expect(ntfy.searchParams.get('tpl')).toBe('1');
    expect(ntfy.searchParams.get('m')).toContain('{{.annotations.runbook_url}}');
    expect(ntfy.searchParams.get('p')).toBe('5');
    expect(am.inhibit_rules).toEqual([
      { source_matchers: ['level="host"'], target_matchers: ['level="service"'], equal: ['host'] },
      {
        source_matchers: ['alertname="FirewallDown"'],
        target_matchers: ['behind_firewall="true"'],
        equal: ['site'],
      },
    ]);
    // No e-mail relay in beelab.yaml: the monitor's own MTA.
    expect(am.global).toMatchObject({ smtp_smarthost: 'localhost:25', smtp_require_tls: false });
  });

  it('sends e-mail through the relay of observability.smtp, the password from a file on the monitor', () => {
    const text = REFERENCE.replace(
      'observability:\n',
      'observability:\n  smtp:\n    smarthost: smtp.example.com:587\n    username: alerts@example.com\n',
    );
    expect(parse(configOf(siteOf(text))).global).toEqual({
      smtp_smarthost: 'smtp.example.com:587',
      smtp_from: 'alertmanager@lab.example.com',
      smtp_require_tls: true,
      smtp_auth_username: 'alerts@example.com',
      smtp_auth_password_file: '/etc/prometheus/alertmanager/smtp-password',
    });
  });

  it.runIf(needTool('ansible-playbook', 'apt-get install ansible'))(
    'the relay password is an issued secret the monitoring step decrypts; the role refuses to run without it',
    async () => {
      const site = siteOf(
        REFERENCE.replace(
          'observability:\n',
          'observability:\n  smtp:\n    smarthost: smtp.example.com:587\n    username: alerts@example.com\n',
        ),
      );
      const def = siteSecrets(site).find((d) => d.name === SMTP_PASSWORD_SECRET)!;
      expect(def).toMatchObject({ kind: 'issued' });
      expect(def.issuedBy).toContain('beelab secrets set smtp-password --from FILE');
      expect([def.check!(''), def.check!('a\nb'), def.check!('s3cret')].map(Boolean)).toEqual([
        true,
        true,
        false,
      ]);
      // No login, no secret: the reference as written sends through the monitor's own MTA.
      expect(siteSecrets(exampleSite('reference')).map((d) => d.name)).not.toContain(SMTP_PASSWORD_SECRET);

      const files = renderSite(site);
      const step = observabilityLayer.steps!(site, files).find((s) => s.id === MONITORING_STEP)!;
      expect(step.secrets).toEqual(['grafana-admin-password', SMTP_PASSWORD_SECRET, 'pbs-exporter-token']);
      const playbook = parse(files.get(OBSERVABILITY_PLAYBOOK)!.content);
      expect(playbook[0].vars).toMatchObject({ alertmanager_smtp_auth: true });

      // The role's own assert task and defaults, run by the real ansible-playbook: the password comes from the
      // file apply names in BEELAB_SECRET_SMTP_PASSWORD, and without it the play stops with the fix.
      const dir = mkdtempSync(join(tmpdir(), 'beelab-am-role-'));
      try {
        const role = 'ansible/roles/alertmanager';
        const tasks = parse(files.get(`${role}/tasks/main.yml`)!.content) as { name: string }[];
        const assert = tasks.find((t) => t.name.startsWith("Require the mail relay's password"));
        expect(assert).toBeDefined();
        writeFileSync(
          join(dir, 'play.yml'),
          stringify([
            {
              hosts: 'localhost',
              connection: 'local',
              gather_facts: false,
              // The role's defaults under the play's vars, as Ansible ranks them.
              vars: { ...parse(files.get(`${role}/defaults/main.yml`)!.content), ...playbook[0].vars },
              tasks: [assert],
            },
          ]),
        );
        const play = (env: Record<string, string>) =>
          run('ansible-playbook', ['-i', 'localhost,', 'play.yml'], {
            cwd: dir,
            env: { ...process.env, ANSIBLE_NOCOLOR: '1', ...env },
          }).then(
            (r) => ({ ok: true, out: r.stdout }),
            (e: { stdout: string }) => ({ ok: false, out: e.stdout }),
          );
        const without = await play({ BEELAB_SECRET_SMTP_PASSWORD: '' });
        expect(without.ok).toBe(false);
        expect(without.out).toContain('beelab secrets set smtp-password --from FILE');
        writeFileSync(join(dir, 'pw'), 's3cret\n', { mode: 0o600 });
        const withIt = await play({ BEELAB_SECRET_SMTP_PASSWORD: join(dir, 'pw') });
        expect(withIt.out).toMatch(/ok=1\s+changed=0\s+unreachable=0\s+failed=0/);
        expect(withIt.ok).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('every alert label the routes and inhibitions match on is set by the alert rules or the scrape jobs', () => {
    const site = exampleSite('reference');
    const files = renderMonitoring(site);
    const rules = parse(files.get('monitoring/prometheus/rules/alerts.yml')!.content);
    const all = rules.groups.flatMap(
      (g: { rules: { alert: string; labels: Record<string, string> }[] }) => g.rules,
    );
    expect(new Set(all.map((r: { labels: Record<string, string> }) => r.labels.level))).toEqual(
      new Set(['host', 'service']),
    );
    expect(all.map((r: { alert: string }) => r.alert)).toContain('FirewallDown');
    const prom = files.get('monitoring/prometheus/prometheus.yml')!.content;
    expect(prom).toContain('behind_firewall: "true"');
    expect(parse(prom).global.external_labels.site).toBe(site.name);
  });
});

describe('flows to alert channels', () => {
  it('reach a webhook receiver or relay inside the site; the internet goes through the VLAN’s egress', () => {
    const site = siteOf(
      withChannels(
        [
          '    - type: webhook',
          '      target: http://10.20.10.250:9099/alerts',
          '    - type: ntfy',
          '      target: https://ntfy.sh/lab',
          '    - type: ntfy',
          '      target: https://pve1.lab.example.com:8443/lab',
          '',
        ].join('\n'),
      ).replace('observability:\n', 'observability:\n  smtp:\n    smarthost: smtp.example.com:587\n'),
    );
    const mgmt = site.vlans.find((v) => v.cidr.startsWith('10.20.10.'))!.name;
    expect(site.flows.filter((f) => f.id.startsWith('monitoring:alerts->'))).toEqual([
      {
        id: 'monitoring:alerts->webhook@10.20.10.250:9099',
        service: 'alertmanager',
        from: { kind: 'role', role: 'alertmanager' },
        to: { kind: 'vlan', vlan: mgmt, because: 'an alert channel at an address no host of the site has' },
        protocol: 'tcp',
        ports: [9099],
        why: 'Alertmanager sends alerts',
      },
      {
        id: 'monitoring:alerts->ntfy@pve1.lab.example.com:8443',
        service: 'alertmanager',
        from: { kind: 'role', role: 'alertmanager' },
        to: { kind: 'host', host: 'pve1' },
        protocol: 'tcp',
        ports: [8443],
        why: 'Alertmanager sends alerts',
      },
    ]);
  });
});

describe('alert channels in beelab.yaml', () => {
  const diagnostics = (text: string) => parseSiteSpec(text).diagnostics;
  const line = (text: string, fragment: string) =>
    text.split('\n').findIndex((l) => l.includes(fragment)) + 1;

  it('a Matrix room and e-mail without a relay are located warnings', () => {
    const found = diagnostics(MIXED).filter((d) => d.code.startsWith('alerts/'));
    expect(found.map((d) => [d.code, d.severity, formatLocation(d.location)])).toEqual([
      ['alerts/no-smtp', 'warning', `beelab.yaml:${line(MIXED, 'oncall@example.com')}:15`],
      ['alerts/matrix-unsupported', 'warning', `beelab.yaml:${line(MIXED, 'type: matrix')}:13`],
    ]);
    expect(found[1]!.hint).toContain('type: webhook');
  });

  it.each([
    ['a channel without a target', '    - type: ntfy\n', 'observability.alerts[0].target'],
    [
      'an unknown layer',
      '    - type: ntfy\n      target: https://ntfy.sh/x\n      layers: [storage]\n',
      'layers[0]',
    ],
    [
      'an unknown severity',
      '    - type: ntfy\n      target: https://ntfy.sh/x\n      severity: info\n',
      'severity',
    ],
  ])('%s is a located error', (_what, channels, fragment) => {
    const errors = diagnostics(withChannels(channels)).filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain(fragment);
    expect(formatLocation(errors[0]!.location)).toMatch(/^beelab\.yaml:\d+:\d+$/);
  });

  it('a relay that is not host:port is a located error', () => {
    const text = REFERENCE.replace(
      'observability:\n',
      'observability:\n  smtp:\n    smarthost: smtp.example.com\n',
    );
    const errors = diagnostics(text).filter((d) => d.severity === 'error');
    expect(errors.map((e) => formatLocation(e.location))).toEqual([
      `beelab.yaml:${line(text, 'smarthost:')}:16`,
    ]);
    expect(errors[0]!.message).toContain('is not host:port');
  });
});

describe.runIf(needTool('amtool', 'apt-get install prometheus-alertmanager'))('amtool', () => {
  it.each(['reference', 'compact', 'single'] as const)(
    '%s: check-config accepts the rendered alertmanager.yml',
    async (name) => {
      const r = await checkWith(amtool, { [ALERTMANAGER_FILE]: configOf(exampleSite(name)) });
      expect(r.diagnostics).toEqual([]);
      expect(r.status).toBe('passed');
    },
    60_000,
  );

  it('routes test: criticals page ntfy and mail, the backup layer also reaches its webhook', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beelab-am-'));
    try {
      const file = join(dir, 'alertmanager.yml');
      writeFileSync(file, configOf(siteOf(MIXED)));
      const routes = async (...labels: string[]) =>
        (await run('amtool', ['config', 'routes', 'test', `--config.file=${file}`, ...labels])).stdout.trim();
      expect(await routes('severity=critical', 'layer=physical', 'alertname=HostDown')).toBe(
        'email-1,ntfy-2-critical',
      );
      expect(await routes('severity=warning', 'layer=physical')).toBe('email-1');
      expect(await routes('severity=warning', 'layer=backup')).toBe('email-1,webhook-3');
      expect(await routes('severity=critical', 'layer=backup')).toBe('email-1,ntfy-2-critical,webhook-3');
      expect(await routes('severity=info')).toBe('nobody');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

const ALERTMANAGER = 'prometheus-alertmanager';

describe.runIf(needTool(ALERTMANAGER, 'apt-get install prometheus-alertmanager'))(
  'the real Alertmanager with the rendered config',
  () => {
    let stop = async () => {};
    let dir = '';
    let base = '';

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'beelab-am-'));
      writeFileSync(join(dir, 'alertmanager.yml'), configOf(exampleSite('reference')));
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      ({ stop } = await startDaemon(
        ALERTMANAGER,
        [
          `--config.file=${join(dir, 'alertmanager.yml')}`,
          `--storage.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--cluster.listen-address=',
        ],
        `${base}/-/ready`,
      ));
    }, 30_000);

    afterAll(async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a dead host silences its services, a dead firewall what sits behind it, nothing else', async () => {
      const site = { site: 'lab' };
      const alert = (labels: Record<string, string>) => ({ labels: { ...site, ...labels } });
      const post = await fetch(`${base}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([
          alert({
            alertname: 'HostDown',
            severity: 'critical',
            level: 'host',
            host: 'apps',
            layer: 'orchestration',
          }),
          alert({
            alertname: 'ServiceDown',
            severity: 'warning',
            level: 'service',
            host: 'apps',
            service: 'immich',
          }),
          alert({
            alertname: 'ServiceDown',
            severity: 'warning',
            level: 'service',
            host: 'forge',
            service: 'forgejo',
          }),
          alert({
            alertname: 'FirewallDown',
            severity: 'critical',
            level: 'host',
            host: 'fw',
            layer: 'network',
          }),
          alert({
            alertname: 'BackupServerDown',
            severity: 'critical',
            level: 'host',
            host: 'pbs1',
            behind_firewall: 'true',
          }),
          alert({ alertname: 'HostDown', severity: 'critical', level: 'host', host: 'monitor' }),
        ]),
      });
      expect(post.status).toBe(200);
      // Inhibition is evaluated when alerts are listed; the list is eventually consistent after a POST.
      const state = async () => {
        const list = (await (await fetch(`${base}/api/v2/alerts`)).json()) as {
          labels: Record<string, string>;
          status: { inhibitedBy: string[] };
        }[];
        return Object.fromEntries(
          list.map((a) => [`${a.labels.alertname}@${a.labels.host}`, a.status.inhibitedBy.length > 0]),
        );
      };
      let seen: Record<string, boolean> = {};
      for (let i = 0; i < 50 && Object.keys(seen).length < 6; i++) {
        seen = await state();
        if (Object.keys(seen).length < 6) await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen).toEqual({
        'HostDown@apps': false,
        'ServiceDown@apps': true,
        'ServiceDown@forge': false,
        'FirewallDown@fw': false,
        'BackupServerDown@pbs1': true,
        'HostDown@monitor': false,
      });
    }, 30_000);
  },
);
