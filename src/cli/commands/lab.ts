// `beelab lab up|test|down [dir]`: the Site's network emulated in network namespaces, the policy proved for real.
import { stopWithLauncher } from '../launcher.ts';
import type { DefineCommand } from './index.ts';

const LINKS = '--links <mode>';
const LINKS_HELP =
  'how VLANs reach the router: auto (trunk when the kernel has 802.1Q, else veth), veth, trunk';

export const defineLab: DefineCommand = (program) => {
  const lab = program
    .command('lab')
    .description('emulate the Site network in Linux network namespaces and test the firewall policy (root)')
    .addHelpText(
      'after',
      `
The router namespace runs the generated nftables ruleset and dnsmasq config for real; every host of the
Site sits at its real address in a namespace per VLAN, with listeners on its service ports. Nothing is
routed to or from the machine's real network. Namespaces are named bllab-<run id>-*.

Example:
  sudo beelab lab test examples/reference     # build, test every cell of the policy, remove
  sudo beelab lab up my-lab && sudo beelab lab test my-lab && sudo beelab lab down my-lab`,
    )
    .hook('preAction', () => void stopWithLauncher());

  lab
    .command('up')
    .description('build the lab and leave it running')
    .argument('[dir]', 'site directory holding beelab.yaml', '.')
    .option(LINKS, LINKS_HELP, 'auto')
    .option(
      '--machines [hosts]',
      'also boot Debian hosts as systemd-nspawn machines at their real addresses: all, or host,host',
    )
    .option('--machine-timeout <seconds>', 'how long each machine may take until its sshd answers', '90')
    .addHelpText(
      'after',
      '\nExample:\n  sudo beelab lab up my-lab\n  sudo ip netns exec bllab-<id>-v10 bash   # look around\n  sudo beelab lab up my-lab --machines k3s-s1,apps   # boot two Debian hosts (SSH, systemd)',
    )
    .action(
      async (dir: string, opts: { links: string; machines?: string | boolean; machineTimeout?: string }) => {
        const { runLabUp } = await import('../../lab/run.ts');
        await runLabUp(dir, opts);
      },
    );

  lab
    .command('test')
    .description(
      'test the policy matrix, DHCP and DNS; builds a throwaway lab unless one is up (exit 1 on failure)',
    )
    .argument('[dir]', 'site directory holding beelab.yaml', '.')
    .option(LINKS, LINKS_HELP, 'auto')
    .option('--keep', 'leave a lab this command built running afterwards')
    .option('--json', 'print the full results as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  sudo beelab lab test my-lab\n  sudo beelab lab test my-lab --json > lab.json',
    )
    .action(async (dir: string, opts: { links: string; keep?: boolean; json?: boolean }) => {
      const { runLabTest } = await import('../../lab/run.ts');
      await runLabTest(dir, opts);
    });

  lab
    .command('ansible')
    .description(
      "run ansible from the management VLAN against the lab's machines, with the generated inventory",
    )
    .argument('[dir]', 'site directory holding beelab.yaml', '.')
    .argument('[args...]', 'ansible arguments, after --')
    .option('--playbook', 'run ansible-playbook instead of ansible')
    .addHelpText(
      'after',
      '\nExample:\n  sudo beelab lab ansible my-lab -- ssh -m ping\n  sudo beelab lab ansible my-lab --playbook -- ansible/site.yml --limit apps',
    )
    .action(async (dir: string, args: string[], opts: { playbook?: boolean }) => {
      const { runLabAnsible } = await import('../../lab/run.ts');
      await runLabAnsible(dir, args, opts);
    });

  lab
    .command('apply')
    .description(
      "run the apply engine and the generated Ansible against the lab's machines (the router starts bare)",
    )
    .argument('[dir]', 'site directory holding beelab.yaml', '.')
    .addHelpText(
      'after',
      '\nSteps on booted machines run for real; the firewall step installs the ruleset and dnsmasq on the\nrouter namespace; steps on hosts the lab cannot emulate (Proxmox VE, Talos, macOS) are listed, not run.\nA second apply with nothing changed runs nothing.\n\nExample:\n  sudo beelab lab up my-lab --machines && sudo beelab lab apply my-lab && sudo beelab lab test my-lab',
    )
    .action(async (dir: string) => {
      const { runLabApply } = await import('../../lab/run.ts');
      await runLabApply(dir);
    });

  lab
    .command('drill')
    .description('rehearse a failure against the lab, timed: host-dies HOST, restore HOST')
    .argument('<kind>', 'the drill: host-dies or restore')
    .argument('<host>', 'the machine that dies (host-dies), the machine whose files are restored (restore)')
    .argument('[dir]', 'site directory holding beelab.yaml', '.')
    .option(LINKS, `${LINKS_HELP} (restore, which builds its own lab)`, 'auto')
    .addHelpText(
      'after',
      "\nhost-dies: the machine is killed and its disk (its overlay) deleted, `rebuild HOST` runs through the\nengine against the lab, then it must answer SSH, its services respond and the policy matrix hold.\n\nrestore: in a lab of its own (removed after), HOST (a restic client) and a Debian stand-in for the backup\nserver's SFTP target boot; the restic step installs the rendered client, files with known sha256 are backed\nup by the rendered unit, destroyed, and the rendered restore step must bring every one back (exit 1 if not).\n\nExample:\n  sudo beelab lab drill host-dies apps my-lab\n  sudo beelab lab drill restore sec1 my-lab",
    )
    .action(async (kind: string, host: string, dir: string, opts: { links?: string }) => {
      const { runLabDrill } = await import('../../lab/run.ts');
      await runLabDrill(kind, host, dir, opts);
    });

  lab
    .command('down')
    .description("remove the site's lab, and leftovers of any lab run that died; without DIR every lab")
    .argument('[dir]', 'site directory holding beelab.yaml')
    .option('--all', 'remove every lab on this machine')
    .addHelpText('after', '\nExample:\n  sudo beelab lab down my-lab\n  sudo beelab lab down --all')
    .action(async (dir: string | undefined, opts: { all?: boolean }) => {
      const { runLabDown } = await import('../../lab/run.ts');
      await runLabDown(dir, opts);
    });
};
