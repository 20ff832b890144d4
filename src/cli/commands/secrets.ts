// `beelab secrets`: the site's generated secrets, encrypted with age under secrets/.
import type { DefineCommand } from './index.ts';

const DIR = ['[dir]', 'site directory holding beelab.yaml', '.'] as const;

export const defineSecrets: DefineCommand = (program) => {
  const secrets = program
    .command('secrets')
    .description('list, show, rotate and re-encrypt the secrets under secrets/ (age-encrypted)')
    .addHelpText(
      'after',
      `
Secrets are generated once by \`beelab apply\` and never by a render. Decrypting needs your age identity:
$BEELAB_AGE_IDENTITY (a file path) or ~/.config/beelab/age.key. See docs/secrets.md.

Examples:
  beelab secrets list my-lab
  BEELAB_AGE_IDENTITY=~/keys/lab.key beelab secrets show k3s-token my-lab
  beelab secrets rotate gateway-api-key my-lab
  beelab secrets recipients my-lab --update`,
    );
  secrets
    .command('list')
    .description(
      'every secret: stored, missing, unused, its generation and whether its recipients are current',
    )
    .argument(...DIR)
    .option('--json', 'print JSON')
    .action(async (dir: string, opts: { json?: boolean }) => {
      const { secretsList } = await import('../secrets-run.ts');
      await secretsList(dir, opts);
    });
  secrets
    .command('show')
    .description('decrypt one secret and print it')
    .argument('<name>')
    .argument(...DIR)
    .action(async (name: string, dir: string) => {
      const { secretsShow } = await import('../secrets-run.ts');
      await secretsShow(dir, name);
    });
  secrets
    .command('set')
    .description('store a secret another system issues (the OPNsense API key and secret), encrypted')
    .argument('<name>')
    .argument(...DIR)
    .requiredOption('--from <file>', 'the file holding it, e.g. the apikey.txt OPNsense downloads')
    .addHelpText(
      'after',
      '\nExample:\n  beelab secrets set firewall-api-key my-lab --from ~/Downloads/apikey.txt\n',
    )
    .action(async (name: string, dir: string, opts: { from: string }) => {
      const { secretsSet } = await import('../secrets-run.ts');
      await secretsSet(dir, name, opts.from);
    });
  secrets
    .command('rotate')
    .description('give a secret a new value (the old one is kept encrypted under secrets/rotated/)')
    .argument('<name>')
    .argument(...DIR)
    .action(async (name: string, dir: string) => {
      const { secretsRotate } = await import('../secrets-run.ts');
      await secretsRotate(dir, name);
    });
  secrets
    .command('recipients')
    .description('show site.admin.ageRecipients and which secrets are encrypted to another list')
    .argument(...DIR)
    .option('--update', 're-encrypt every secret to the current recipients (needs a key that decrypts them)')
    .action(async (dir: string, opts: { update?: boolean }) => {
      const { secretsRecipients } = await import('../secrets-run.ts');
      await secretsRecipients(dir, opts);
    });
  secrets
    .command('recovery-kit')
    .description('write docs/recovery-kit.md: which key decrypts what, where the backups are')
    .argument(...DIR)
    .option('--stdout', 'print it instead of writing the file')
    .action(async (dir: string, opts: { stdout?: boolean }) => {
      const { secretsRecoveryKit } = await import('../secrets-run.ts');
      await secretsRecoveryKit(dir, opts);
    });
};
