// What the apply engine asks of the secret store for one step: the secrets as temp files, and their cleanup.

/** Secrets for one step: environment entries for their temp files, and a cleanup that removes the files. */
export interface SecretMaterial {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export type SecretProvider = (names: string[]) => Promise<SecretMaterial>;
