using System.Runtime.InteropServices;
using Kt.Native.Interop;
using Kt.Store;

namespace Kt.Native.Exports;

/// <summary>kt_key_register: attribute keys checked and copied once, used by id on every span.</summary>
internal static unsafe class KeyExports
{
    [UnmanagedCallersOnly(EntryPoint = "kt_key_register")]
    public static int Register(byte* key, nuint keyLen, uint* output)
    {
        try
        {
            int status = Arguments.NotNull(output, "out");
            if (status != Status.Ok)
                return status;
            // Checked as UTF-8 whatever the engine's invalid_utf8 setting: a key registered
            // once is used by every later engine, whichever setting it has.
            status = Arguments.Text(key, keyLen, "key", out var text);
            if (status != Status.Ok)
                return status;
            if (text.IsEmpty)
                return Arguments.Refuse(TextProblem.EmptyKey, "key", key, keyLen);
            uint id = NativeRuntime.RegisterKey(text);
            if (id == 0)
                return LastError.Set(Status.Limit,
                    $"key: {RegisteredKeys.Capacity} keys or {RegisteredKeys.Bytes} bytes of keys are registered already; this one was not");
            *output = id;
            return Status.Ok;
        }
        catch (Exception e)
        {
            return Fail.Internal("kt_key_register", e);
        }
    }
}
