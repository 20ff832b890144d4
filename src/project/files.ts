// Names of the files a site directory holds besides the generated repository.
export const SPEC_FILE = 'beelab.yaml';
export const LOCK_FILE = 'beelab.lock.yaml';
