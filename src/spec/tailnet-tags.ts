// The tailnet tags Beelab gives the mesh's machines: shared by the spec rules and the AI layer's policy.
export const AI_TAGS = {
  ai_head: 'tag:ai-head',
  ai_secondary: 'tag:ai-node',
  ai_agent: 'tag:agent',
  /** The Mac that runs the gateway (also tagged by its role). */
  gateway: 'tag:ai-gateway',
  /** Devices that may call the gateway without being a user's own (CI machines, servers). */
  client: 'tag:gateway-client',
  /** The host that advertises the subnet routes. */
  router: 'tag:subnet-router',
} as const;

/** The group of the admins (ai.tailscale.admins): the one group the policy defines. */
export const ADMINS_GROUP = 'group:admins';
