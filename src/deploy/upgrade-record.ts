// Where an upgrade's new tag lives: moat.yaml's `services.<name>.image`
// override. moat.yaml is what every command renders from (plan, check, up,
// the proof), so the next render, `moat check` and a review of the file all
// see the version that runs; a separate state file would be a second source
// of truth that `moat plan` on another machine would not have. The file is
// edited as a YAML Document (the `yaml` library's Document API), so comments,
// key order and quoting outside that one value stay as the user wrote them.
// A deployment without moat.yaml (the built-in platform) gets one holding only
// the override. The write goes through a temporary file and a rename, so a
// crash leaves the old file or the new one, never half of one.
import { chmod, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { type Document, isMap, parseDocument } from 'yaml';
import { UserInputError } from '../model/findings.js';

const HEADER = '# moat.yaml: overrides of the built-in platform. Written by `moat upgrade`; edit freely.\n';

export async function recordImage(configFile: string, service: string, image: string): Promise<void> {
  const text = await readFile(configFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const doc: Document = parseDocument(text ?? HEADER);
  if (doc.errors.length > 0) {
    throw new UserInputError([
      {
        code: 'config.invalid-value',
        severity: 'high',
        path: configFile,
        message: `${configFile} is not valid YAML: ${doc.errors[0]?.message ?? ''}`,
        hint: 'fix the file, then run `moat upgrade` again (the running service was not changed)',
      },
    ]);
  }
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({});
  if (!isMap(doc.contents)) {
    throw new UserInputError([
      {
        code: 'config.invalid-value',
        severity: 'high',
        path: configFile,
        message: `${configFile} is not a mapping`,
        hint: 'moat.yaml holds keys such as `services:` at its top level',
      },
    ]);
  }
  doc.setIn(['services', service, 'image'], image);
  const mode = text === undefined ? 0o644 : (await stat(configFile)).mode & 0o777;
  const temporary = `${configFile}.moat-${process.pid}.tmp`;
  await writeFile(temporary, doc.toString({ lineWidth: 0 }), { mode });
  await chmod(temporary, mode);
  await rename(temporary, configFile);
}
