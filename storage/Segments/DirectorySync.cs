using System.Runtime.InteropServices;

namespace Storage.Segments;

/// <summary>
/// fsync of a directory. A rename is durable only once the directory holding the new name is flushed; without
/// it a power loss after the row commit could leave the row pointing at a file still named tmp/....tmp, which
/// the start-up sweep would then delete. .NET has no API for this, so it calls libc on Linux and macOS
/// (elsewhere it does nothing: Windows makes renames durable through NTFS's journal).
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0;

    [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);

    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var fd = Open(directory, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Could not open directory {directory} to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync of directory {directory} failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }
}
