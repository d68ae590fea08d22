// The one registry of finding codes: every code moat can emit, with its title,
// its help paragraph, its usual severity and the stage (area) that emits it.
// `FindingCode` is the union of the codes here and `Finding.code` has that
// type, so a finding with an undeclared or misspelt code does not compile.
// Codes are declared beside the modules that emit them (the analyzer rules'
// `docs`, each ingester's *_FINDING_DOCS) or, for modules that had none, in
// ./codes/<area>.ts; this file gathers them. `moat explain CODE` prints an
// entry, and SARIF's rule list is built from it.
import { COMPOSE_NETWORK_FINDING_DOCS } from '../render/compose.js';
import { KUBERNETES_FINDING_DOCS } from '../render/kubernetes/codes.js';
import { ANALYZE_CODE_DOCS } from './analyze.js';
import { BACKUP_CODE_DOCS } from './backup.js';
import { CLI_CODE_DOCS } from './cli.js';
import { CONFIG_CODE_DOCS } from './config.js';
import { DEPLOY_CODE_DOCS } from './deploy.js';
import { DRIVE_CODE_DOCS } from './drive.js';
import { INGEST_CODE_DOCS } from './ingest.js';
import { KUBERNETES_ANALYZE_CODE_DOCS, KUBERNETES_INGEST_CODE_DOCS, KUBERNETES_SECRETS_FINDING_DOCS } from './kubernetes.js';
import { CONFIG_EDIT_CODE_DOCS, LITELLM_ROUTING_CODE_DOCS, OPS_CODE_DOCS, PROVIDER_DEPLOY_CODE_DOCS } from './ops.js';
import { PROBE_CODE_DOCS } from './probe.js';
import { RENDER_CODE_DOCS } from './render.js';
import { inArea, type RegistryEntry } from './types.js';
import { UPGRADE_CODE_DOCS } from './upgrade.js';

export { FINDING_AREAS, type FindingArea, type RegistryEntry } from './types.js';

export const FINDING_REGISTRY = [
  ...inArea('config', CONFIG_CODE_DOCS),
  ...inArea('render', RENDER_CODE_DOCS),
  ...inArea('render', COMPOSE_NETWORK_FINDING_DOCS),
  ...inArea('render', KUBERNETES_FINDING_DOCS),
  ...inArea('ingest', INGEST_CODE_DOCS),
  ...inArea('analyze', ANALYZE_CODE_DOCS),
  ...inArea('ingest', KUBERNETES_INGEST_CODE_DOCS),
  ...inArea('analyze', KUBERNETES_ANALYZE_CODE_DOCS),
  ...inArea('probe', PROBE_CODE_DOCS),
  ...inArea('deploy', DEPLOY_CODE_DOCS),
  ...inArea('deploy', DRIVE_CODE_DOCS),
  ...inArea('deploy', KUBERNETES_SECRETS_FINDING_DOCS),
  ...inArea('deploy', UPGRADE_CODE_DOCS),
  ...inArea('deploy', BACKUP_CODE_DOCS),
  ...inArea('cli', CLI_CODE_DOCS),
  ...inArea('config', CONFIG_EDIT_CODE_DOCS),
  ...inArea('deploy', PROVIDER_DEPLOY_CODE_DOCS),
  ...inArea('render', LITELLM_ROUTING_CODE_DOCS),
  ...inArea('cli', OPS_CODE_DOCS),
] as const;

/** Every finding code moat can emit. */
export type FindingCode = (typeof FINDING_REGISTRY)[number]['code'];

/** A code's dotted lower-case form: area words, then a kebab-case name (`ingest.nginx.unresolved-upstream`). */
export const CODE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;

const BY_CODE: ReadonlyMap<string, RegistryEntry> = new Map(FINDING_REGISTRY.map((e) => [e.code, e]));

/** Every code, in registry order (by area, then as declared). */
export const FINDING_CODES: readonly FindingCode[] = FINDING_REGISTRY.map((e) => e.code);

export function isFindingCode(text: string): text is FindingCode {
  return BY_CODE.has(text);
}

/** The entry of a code the compiler knows is declared. */
export function findingDoc(code: FindingCode): RegistryEntry {
  const entry = BY_CODE.get(code);
  if (entry === undefined) throw new Error(`finding code ${code} has no registry entry (this is a bug in moat)`);
  return entry;
}

/** The entry of a code typed by a user (`moat explain`), if there is one. */
export function lookupFindingCode(text: string): RegistryEntry | undefined {
  return BY_CODE.get(text.trim().toLowerCase());
}
