// Schema input → the readonly Platform. Parsing fills defaults once, here, and
// derives what follows from other fields (the gateway's one publication).
import { Platform as PlatformSchema } from './schema.js';
import type { Platform, PlatformInput } from './types.js';

export function normalizePlatform(input: PlatformInput): Platform {
  const parsed = PlatformSchema.parse(input);
  const { gateway, host } = parsed;
  // The gateway publishes its port on the Tailscale address only, unless the
  // input says otherwise (which the analyzer then judges).
  for (const service of parsed.services) {
    if (service.name === gateway.service && service.publish.length === 0) {
      service.publish.push({
        hostAddress: host.tailscale.address,
        hostPort: gateway.listenPort,
        containerPort: gateway.listenPort,
        protocol: 'tcp',
      });
    }
  }
  return parsed;
}
