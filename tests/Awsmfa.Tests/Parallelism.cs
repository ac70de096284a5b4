// Fixtures run side by side: most of the suite waits on child processes, sockets and timers, not
// on the CPU, so on two cores four workers keep both busy. Tests within one fixture still run one
// after another (they share its server, its home folder, its moto). Every fixture owns its temp
// folders, ports (bound at port 0, or retried) and child environments; one that shares something
// global instead (the process's environment variables, an X display, a machine-wide load, signal
// timing) is [NonParallelizable], with a comment saying what. That keeps it apart from the other
// fixtures of its test process: .ci/run runs the Process and Integration tiers side by side, so
// the time bounds of such a fixture leave room for a loaded machine.
[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(4)]
