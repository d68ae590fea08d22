// Where cloud-init writes the bundle on the instance: the bootstrap and the
// host units that default to it share this one value (a module of its own, so
// neither has to import the other).
export const INSTANCE_BUNDLE_DIR = '/opt/moat';
