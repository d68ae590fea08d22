// Codes of the loader (moat.yaml read, parsed, validated and merged into the
// catalog: src/model/load.ts, config-*.ts, addressing.ts). All are high: a
// config the loader rejects is never rendered or deployed (exit 2).
import type { CodeDoc } from './types.js';

export const CONFIG_CODE_DOCS = [
  {
    code: 'config.file-missing',
    severity: 'high',
    title: 'The config file named does not exist',
    help: 'A file given with --config does not exist. moat falls back to the built-in reference platform only when no file is named; a named file that is missing is an error, so a typo in a path never deploys the reference platform by surprise. Check the path.',
  },
  {
    code: 'config.file-unreadable',
    severity: 'high',
    title: 'The config file cannot be read',
    help: 'The config file exists but cannot be read (permissions, a directory, an I/O error). Nothing is checked or deployed. Check that the path names a regular file you may read.',
  },
  {
    code: 'config.file-too-large',
    severity: 'high',
    title: 'The config file is larger than moat reads',
    help: 'moat.yaml files are a few kilobytes; moat refuses files over 1 MiB rather than parse something that is probably not a config (a log, a dump) or that was made to exhaust memory. Check that the right file is named.',
  },
  {
    code: 'config.not-utf8',
    severity: 'high',
    title: 'The config file is not UTF-8',
    help: 'YAML 1.2 files are Unicode text; moat reads UTF-8 only and never replaces a bad byte silently, because a replaced byte in an address or a secret name would change its meaning. The location names the first bad byte: save the file as UTF-8.',
  },
  {
    code: 'config.yaml-syntax',
    severity: 'high',
    title: 'The config file is not valid YAML',
    help: 'The YAML parser refused the file at the location given (bad indentation, a missing space after a colon, a duplicate key, an unquoted special character). Nothing else is checked until it parses. Fix the syntax at that line.',
  },
  {
    code: 'config.yaml-too-deep',
    severity: 'high',
    title: 'The YAML nests deeper than moat reads',
    help: 'A moat.yaml nests a handful of levels; moat stops at 64 so that a hostile file cannot exhaust the stack. Check that the file is a moat config.',
  },
  {
    code: 'config.yaml-tag',
    severity: 'high',
    title: 'moat.yaml uses a YAML tag',
    help: 'A tag such as !!binary, !!omap, !!set, !!timestamp or a custom !tag turns a value into bytes, an ordered map, a set or a date, which no setting of moat.yaml takes and which the checks could not judge. Write plain strings, numbers, booleans, lists and mappings.',
  },
  {
    code: 'config.yaml-aliases',
    severity: 'high',
    title: 'YAML aliases expand to too many nodes',
    help: 'Anchors and aliases can multiply a small file into millions of nodes (the "billion laughs" alias bomb). moat stops at 10,000 expanded nodes. Use anchors only for shared settings.',
  },
  {
    code: 'config.unknown-key',
    severity: 'high',
    title: 'A key moat does not know',
    help: 'The key is not part of the config schema (schema/moat.schema.json) at that place. moat rejects unknown keys instead of ignoring them, because a misspelt key (adminCIDR for adminCidr) would otherwise silently leave the safe default unchanged. The hint suggests the closest valid key.',
  },
  {
    code: 'config.invalid-value',
    severity: 'high',
    title: 'A value is not valid',
    help: "The value has the wrong type or form for its key (a string where a number belongs, an address that is not an IP, an image reference moat cannot use), or breaks a rule of the platform (the gateway cannot be disabled, / of the main origin is the console's). The message says what is expected there.",
  },
  {
    code: 'config.unknown-service',
    severity: 'high',
    title: 'A service name that is not in the platform',
    help: 'A service override or a dependsOn entry names a service that is neither in the catalog nor defined in the file. A new service needs image, address and ports; otherwise the name is probably a typo, and the hint suggests the closest one.',
  },
  {
    code: 'config.dependency-disabled',
    severity: 'high',
    title: 'A disabled service others depend on',
    help: 'A service is disabled (enabled: false) while enabled services depend on it; they would fail to start or run half-broken. Keep it enabled, or disable its dependants too.',
  },
  {
    code: 'config.image-unpinned',
    severity: 'high',
    title: 'An image without a version tag',
    help: 'An image with no tag or :latest changes under you on the next pull: what was checked is not what runs, and an upstream release can change ports or defaults silently. Pin a version tag (and a digest if you can).',
  },
  {
    code: 'config.bad-publish',
    severity: 'high',
    title: 'A publish entry that cannot be read',
    help: 'A publish entry is neither Compose short syntax ("[HOST_IP:]HOST_PORT:CONTAINER_PORT[/udp]") nor the long form ({ target, published, host_ip, protocol }). Only the gateway should publish at all: backends are reached through it.',
  },
  {
    code: 'config.address-outside-subnet',
    severity: 'high',
    title: 'A static address lies outside its network',
    help: 'Every service gets a static address inside the platform subnet (docker/compose#11899: dynamic addresses change on restart, and the firewall and gateway name addresses). An address outside the subnet cannot be assigned. Choose a free address inside it.',
  },
  {
    code: 'config.address-reserved',
    severity: 'high',
    title: 'A static address is reserved',
    help: 'The network address, the gateway address (.1, the bridge) and the broadcast address of the subnet cannot be given to a service. Choose another address inside the subnet.',
  },
  {
    code: 'config.duplicate-address',
    severity: 'high',
    title: 'Two services share a static address',
    help: 'Static addresses must be unique: Docker refuses to start the second container, and a firewall rule for one would also match the other. Give each service its own address.',
  },
  {
    code: 'config.duplicate-route',
    severity: 'high',
    title: 'Two routes claim the same path',
    help: 'Two gateway routes have the same path; nginx refuses a duplicate location, so the gateway would not start. Give one of them another path or remove it.',
  },
  {
    code: 'config.route-needs-origin',
    severity: 'high',
    title: 'An app that cannot live under a path prefix has no origin',
    help: 'Some apps only work at / of their own origin (prefix: none). Such a route needs originPort: the app is then served at / of that TLS port on the Tailscale address.',
  },
  {
    code: 'config.origin-port-taken',
    severity: 'high',
    title: 'An origin port already in use',
    help: "A route's originPort is already the main origin's, SSH's, the gateway health server's or another route's; only one listener can bind a port. Choose a free port.",
  },
] as const satisfies readonly CodeDoc[];
