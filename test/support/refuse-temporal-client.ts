// Preloaded (`node --import`) into a CLI run that must not load Temporal's client: resolving any
// @temporalio package throws, naming the module that asked for it, so the run fails instead.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('@temporalio/'))
      throw new Error(`${specifier} was asked for, by ${context.parentURL ?? 'the entry point'}`);
    return nextResolve(specifier, context);
  },
});
