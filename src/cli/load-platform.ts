// The CLI's loader: moat.yaml over the catalog's reference platform. The model
// imports nothing from the catalog; this is where the two meet.
import { referencePlatform } from '../catalog/reference.js';
import type { LoadedPlatform, LoadOptions } from '../model/load.js';
import { loadPlatform as loadModel } from '../model/load.js';

export function loadPlatform(options: Omit<LoadOptions, 'reference'>): Promise<LoadedPlatform> {
  return loadModel({ ...options, reference: referencePlatform });
}
