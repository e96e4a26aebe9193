// Test output shows failures, not the SDK's worker life-cycle at info level.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
