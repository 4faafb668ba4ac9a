using System.Runtime.InteropServices;

namespace Kt.Native.Interop;

/// <summary>
/// Each thread's message for its last failed call, kept NUL-terminated in native memory so
/// kt_last_error can return a pointer that stays valid until the thread's next call.
/// </summary>
internal static unsafe class LastError
{
    public const int Capacity = 512;

    [ThreadStatic] private static byte* t_buffer;

    public static byte* Pointer
    {
        get
        {
            if (t_buffer == null)
            {
                t_buffer = (byte*)NativeMemory.AllocZeroed(Capacity);
            }
            return t_buffer;
        }
    }

    /// <summary>Records a message and returns <paramref name="status"/>, so failures read as one line.</summary>
    public static int Set(int status, string message)
    {
        // As much as fits, cut between characters, never inside one.
        System.Text.Unicode.Utf8.FromUtf16(message, new Span<byte>(Pointer, Capacity - 1), out _, out int written);
        Pointer[written] = 0;
        return status;
    }

    /// <summary>
    /// Records an interpolated message, written into the buffer as it is formatted, and
    /// returns <paramref name="status"/>.
    /// </summary>
    public static int Set(int status, ref ErrorMessage message)
    {
        message.Terminate();
        return status;
    }

    /// <summary>Clears the message; called when a call starts, so a success leaves "".</summary>
    public static void Clear() => Pointer[0] = 0;
}
