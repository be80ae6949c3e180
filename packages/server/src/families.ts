// The registry of API families. Every shared part of the server (routing of errors, public paths, body
// limits, handler composition, ops:coverage) reads this list; adding a family is one line here.
import { dioptraModule } from './dioptra/module.ts';
import { underPrefix, type FamilyModule } from './family/module.ts';
import { flowModule } from './flow/module.ts';
import { plynxModule } from './plynx/module.ts';
import { torcModule } from './torc/module.ts';

export const FAMILY_MODULES = [torcModule, plynxModule, dioptraModule, flowModule] as const;

type Registered = (typeof FAMILY_MODULES)[number];
export type Family = Registered['name'];
export const FAMILIES: readonly Family[] = FAMILY_MODULES.map((m) => m.name);

/** Each family's settings, keyed by family name. */
export type FamilyConfigs = { [M in Registered as M['name']]: ReturnType<M['readConfig']> };

/** The family that owns `path`, or undefined for the server's own paths (/docs, /healthz, ...). */
export function moduleOf(path: string): FamilyModule | undefined {
  return (FAMILY_MODULES as readonly FamilyModule[]).find((m) => m.prefixes.some((p) => underPrefix(path, p)));
}

export function familyOf(path: string): Family | undefined {
  return moduleOf(path)?.name as Family | undefined;
}

export function readFamilyConfigs(env: NodeJS.ProcessEnv): FamilyConfigs {
  return Object.fromEntries(FAMILY_MODULES.map((m) => [m.name, m.readConfig(env)])) as FamilyConfigs;
}
