// The CLI's loader: moat.yaml over the catalog's reference platform. The model
// imports nothing from the catalog; this is where the two meet.
import { referencePlatform } from '../catalog/reference.js';
import type { LoadedPlatform, LoadOptions } from '../model/load.js';
import { loadPlatform as loadModel, loadPlatformText as loadModelText } from '../model/load.js';

export function loadPlatform(options: Omit<LoadOptions, 'reference'>): Promise<LoadedPlatform> {
  return loadModel({ ...options, reference: referencePlatform });
}

/** The platform `text` would give if written to `file` (moat.yaml edits are proven before they are written). */
export function loadPlatformText(text: string, file: string, display?: string): LoadedPlatform {
  return loadModelText(text, file, referencePlatform, display);
}
