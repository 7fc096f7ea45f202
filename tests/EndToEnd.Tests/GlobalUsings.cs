global using Amazon.S3;
global using Amazon.S3.Model;
global using EndToEnd.Tests.Infrastructure;
global using NUnit.Framework;

// Fixtures run one at a time, in one process: the end-to-end tests share one gateway, start processes, use both
// cores for large bodies and time idle connections, so running them side by side would only trade a little time
// for waits that depend on load. Every wait in them has its own deadline.
[assembly: Parallelizable(ParallelScope.None)]
