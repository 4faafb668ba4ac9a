using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Kt.Native.Interop;

namespace Kt.Native.Exports;

/// <summary>kt_abi_version, kt_nop, kt_version, kt_errstr, kt_last_error: they never fail.</summary>
internal static unsafe class LibraryExports
{
    public const int AbiVersion = 1;

    [UnmanagedCallersOnly(EntryPoint = "kt_abi_version")]
    public static int AbiVersionExport() => AbiVersion;

    [UnmanagedCallersOnly(EntryPoint = "kt_nop")]
    public static int Nop() => Status.Ok;

    [UnmanagedCallersOnly(EntryPoint = "kt_version")]
    public static byte* Version() => Pointer("0.1.0\0"u8);

    [UnmanagedCallersOnly(EntryPoint = "kt_errstr")]
    public static byte* ErrorString(int code) => Pointer(Status.Message(code));

    [UnmanagedCallersOnly(EntryPoint = "kt_last_error")]
    public static byte* LastErrorExport()
    {
        try
        {
            return LastError.Pointer;
        }
        catch (Exception)
        {
            return Pointer("\0"u8);
        }
    }

    // u8 literals live in the image's read-only data, so their address never changes.
    private static byte* Pointer(ReadOnlySpan<byte> literal) => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(literal));
}
