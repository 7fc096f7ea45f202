using System.Diagnostics;

namespace Bench;

/// <summary>CPU seconds a process has used, in all and in user mode.</summary>
internal readonly record struct CpuTimes(double Total, double User)
{
    public static CpuTimes Of(Process p) => new(p.TotalProcessorTime.TotalSeconds, p.UserProcessorTime.TotalSeconds);

    public static CpuTimes? operator -(CpuTimes? a, CpuTimes? b) =>
        a is { } x && b is { } y ? new CpuTimes(x.Total - y.Total, x.User - y.User) : null;
}
