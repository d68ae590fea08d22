// Codes of the command line itself (src/cli): options and the bundle writer.
import type { CodeDoc } from './types.js';

export const CLI_CODE_DOCS = [
  {
    code: 'cli.invalid-option',
    severity: 'high',
    title: 'An option value moat does not accept',
    help: 'An option has a value outside its accepted set (e.g. an unknown --format). The hint lists what is accepted; `moat <command> --help` describes every option.',
  },
  {
    code: 'cli.unknown-code',
    severity: 'high',
    title: 'moat explain was given a code moat does not have',
    help: 'Every finding moat prints ends with its code in brackets ([config.unknown-key]); `moat explain CODE` describes it. The code given is not one of them; the hint suggests the closest, and `moat explain` with no code lists them all.',
  },
  {
    code: 'reset.not-confirmed',
    severity: 'high',
    title: 'moat reset was not confirmed',
    help: "`moat reset` deletes the platform's volumes and secrets, which cannot be undone, so it asks for the project name. Nothing was deleted. Type the project name exactly, or pass --yes in scripts.",
  },
  {
    code: 'plan.user-file-in-the-way',
    severity: 'high',
    title: 'A file moat did not render is in the way',
    help: 'moat writes the bundle only over files it rendered itself (it records them), and never through a symbolic link, so that a plan cannot overwrite your own files or be redirected outside the bundle. Move the file away, or write the bundle elsewhere with --out.',
  },
  {
    code: 'plan.bad-bundle-path',
    severity: 'high',
    title: 'A rendered path leaves the bundle',
    help: 'A renderer produced a path that is absolute or climbs out of the bundle directory (..). moat refuses to write it. This is a bug in moat: report it.',
  },
  {
    code: 'audit.bad-flag',
    severity: 'high',
    title: 'A host-fact flag of moat audit is not usable',
    help: '--admin-cidr takes a CIDR or an address, --tailscale-address an address, --public-interface an interface name. moat does not guess what a malformed value meant: a wrong admin CIDR would prove the wrong zone.',
  },
  {
    code: 'audit.no-input',
    severity: 'high',
    title: 'moat audit was given nothing to read',
    help: "No path was named and --live was not asked for, or no path could be read, or no file is an artifact moat reads. Name the deployment's files or directory (compose files, firewall dumps, nginx.conf, security groups...), or run `moat audit --live` on the host.",
  },
] as const satisfies readonly CodeDoc[];
