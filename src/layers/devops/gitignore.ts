// .gitignore of the site repository: what must never be committed (plaintext secrets, keys) and what is local state.
import { GENERATED_NOTICE } from '../../tree/serialize/index.ts';

export const GITIGNORE_PATH = '.gitignore';

/** The apply journal and logs (src/apply/journal.ts; the layers may not import apply, a test keeps them equal). */
export const LOCAL_STATE = ['.beelab/journal.jsonl', '.beelab/logs/'] as const;

export function renderGitignore(): string {
  return [
    `# ${GENERATED_NOTICE}`,
    '',
    '# Secrets: secrets/ holds only age-encrypted files and their index; anything else there is a',
    '# decrypted copy. Private keys never belong in the repository (age identities, SSH keys).',
    'secrets/**',
    '!secrets/',
    '!secrets/**/',
    '!secrets/**/*.age',
    '!secrets/index.json',
    '*.key',
    '*.agekey',
    'id_rsa*',
    'id_ed25519*',
    '!*.pub',
    '',
    '# State of this machine: the apply journal, step logs (apply and lab apply), half-written files.',
    '# The lab itself keeps its state outside the repository, in /run/beelab-lab.',
    ...LOCAL_STATE.map((p) => `/${p}`),
    '*.beelab-tmp-*',
    '*.tmp',
    '*.log',
    '',
    '# Copies Beelab keeps before replacing a file (init: beelab.yaml.bak; render --force: *.beelab-backup).',
    '*.bak',
    '*.beelab-backup',
    '',
  ].join('\n');
}
