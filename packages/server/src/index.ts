// The `kubeauth` package: start the server from code. Tests usually want `kubeauth/testing` instead.
export { startServer, kubeauthVersion, type RunningServer } from './server/app.js';
export { parseServeOptions, type ServeOptions } from './cli/options.js';
export { wallClock, ManualClock, parseDuration, type Clock } from './clock/clock.js';
