// How beelab.yaml pins an app's version: `TAG@sha256:DIGEST` (a tag alone would leave the image unpinned).
export const APP_VERSION = /^([\w][\w.-]{0,127})@(sha256:[a-f0-9]{64})$/;
