using System.Runtime.InteropServices;
using System.Text;

namespace Kt.Interop;

/// <summary>
/// libkt's log lines (<c>kt_set_log_handler</c>): to a handler of the host's, or to standard
/// error, libkt's default. libkt writes a line when its exporter starts failing or delivers
/// again, and at most once a second per kind of problem that requests cause; never per span.
/// </summary>
public static unsafe class NativeLog
{
    private static Action<int, string>? s_handler;

    /// <summary>
    /// Sends libkt's lines to <paramref name="handler"/> (level: 1 error, 2 warn, 3 notice, 4 info;
    /// the message); null gives them back to standard error. The handler runs on whichever
    /// thread found the problem, libkt's exporter thread among them; an exception it throws is
    /// dropped.
    /// </summary>
    public static KtResult SetHandler(Action<int, string>? handler)
    {
        Volatile.Write(ref s_handler, handler);
        if (handler is null)
            return (KtResult)NativeMethods.kt_set_log_handler(null, null);
        delegate* unmanaged<void*, int, byte*, nuint, void> line = &Line;
        return (KtResult)NativeMethods.kt_set_log_handler(line, null);
    }

    [UnmanagedCallersOnly]
    private static void Line(void* user, int level, byte* message, nuint length)
    {
        try
        {
            Volatile.Read(ref s_handler)?.Invoke(level, Encoding.UTF8.GetString(message, (int)length));
        }
        catch (Exception)
        {
            // An exception must not unwind into libkt.
        }
    }
}
