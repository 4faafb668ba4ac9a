namespace Kt.Native.Interop;

/// <summary>The failures every export can have, as one-line returns.</summary>
internal static class Fail
{
    public static int NotInitialized(string function) =>
        LastError.Set(Status.NotInitialized, $"{function}: the engine is not initialised (call kt_init), or has shut down");

    /// <summary>An exception caught at the boundary: it must never reach the host.</summary>
    public static int Internal(string function, Exception e)
    {
        try
        {
            return LastError.Set(Status.Internal, $"{function}: {e.GetType().Name}: {e.Message}");
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }
}
