// moat's own `drive connect | sync | status` code (src/cli/commands/drive.ts),
// run inside the Google-stub test's namespace, where rclone's rc listens: the
// test process itself stays in the root namespace and cannot reach it. The
// only thing injected is where rc listens and where the data volume is (the
// flags the CLI offers plus the io the other drive tests pass). Exits with the
// command's exit code. Usage: tsx google-stub-moat.ts <config.json> connect|sync|status
import { readFileSync } from 'node:fs';
import { referencePlatform } from '../../../src/catalog/reference.js';
import { runDriveConnect, runDriveStatus, runDriveSync } from '../../../src/cli/commands/drive.js';
import { normalizePlatform } from '../../../src/model/normalize.js';

interface DriverConfig {
  readonly rcUrl: string;
  readonly dataFs: string;
  readonly bundleDir: string;
  readonly secretsFile: string;
  readonly serviceAccount?: string;
  readonly tokenFile?: string;
}

const config = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as DriverConfig;
const platform = normalizePlatform(referencePlatform());
const paths = { bundleDir: config.bundleDir, secretsFile: config.secretsFile };
// One retry of each kind: a refused credential fails the sync at once instead of after rclone's default 3 × 10 tries.
const io = { rcUrl: config.rcUrl, dataFs: config.dataFs, pollMs: 200, syncConfig: { Retries: 1, LowLevelRetries: 1 } };

async function main(command: string | undefined): Promise<number> {
  if (command === 'connect')
    return runDriveConnect(
      platform,
      paths,
      {
        ...(config.serviceAccount === undefined ? {} : { serviceAccount: config.serviceAccount }),
        ...(config.tokenFile === undefined ? {} : { tokenFile: config.tokenFile }),
      },
      io,
    );
  if (command === 'sync') return runDriveSync(platform, paths, { knowledge: false }, io);
  if (command === 'status') return runDriveStatus(platform, paths, 'text', io);
  throw new Error(`unknown command ${String(command)}`);
}

process.exitCode = await main(process.argv[3]);
