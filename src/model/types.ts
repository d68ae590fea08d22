// Types inferred from the schemas, made deeply readonly: the model is data.
import type { z } from 'zod';
import type * as S from './schema.js';

export type DeepReadonly<T> = T extends (infer E)[] ? readonly DeepReadonly<E>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

type Out<T extends z.ZodType> = DeepReadonly<z.output<T>>;

export type Protocol = z.output<typeof S.Protocol>;
export type ZoneName = z.output<typeof S.ZoneName>;
export type PortSpec = Out<typeof S.PortSpec>;
export type Publish = Out<typeof S.Publish>;
export type SecretRef = Out<typeof S.SecretRef>;
export type Volume = Out<typeof S.Volume>;
export type Healthcheck = Out<typeof S.Healthcheck>;
export type Service = Out<typeof S.Service>;
export type Route = Out<typeof S.Route>;
export type Network = Out<typeof S.Network>;
export type InternalRoute = Out<typeof S.InternalRoute>;
export type InternalProxy = Out<typeof S.InternalProxy>;
export type PolicyRule = Out<typeof S.PolicyRule>;
export type Policy = Out<typeof S.Policy>;
export type ReferenceNote = Out<typeof S.ReferenceNote>;
export type Platform = Out<typeof S.Platform>;

/** Schema input types: what a catalog entry or a config may leave to defaults. */
export type ServiceInput = z.input<typeof S.Service>;
export type PlatformInput = z.input<typeof S.Platform>;

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)} (this is a bug in moat)`);
}
