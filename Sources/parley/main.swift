import ParleyApp

// The whole program lives in ParleyApp, where tests can reach it; this is only the entry point.
await Parley.runCommandLine()
