// Preloaded (`node --import`) into a CLI run that must not load Temporal's client: resolving any
// @temporalio package throws, naming the module that asked for it.
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('@temporalio/'))
      throw new Error(`${specifier} was loaded, imported by ${context.parentURL ?? 'the entry point'}`);
    return nextResolve(specifier, context);
  },
});
