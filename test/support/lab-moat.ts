// Runs the moat CLI from source (tsx), so the lab can start it inside a
// network namespace: `ip netns exec NS node --import tsx test/support/lab-moat.ts probe ...`.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv);
