using System.Reflection;
using System.Runtime.InteropServices;

namespace Kt.Interop;

/// <summary>
/// Where libkt is loaded from, and the check that it speaks the ABI this binding was written
/// against. Without <see cref="Use"/>, the first call loads <c>libkt.so</c> the way the runtime
/// finds any native library: next to the application, then on the system's search path.
/// </summary>
public static class KtLibrary
{
    /// <summary>The <c>KT_ABI_VERSION</c> of the kt.h this binding follows.</summary>
    public const int ExpectedAbiVersion = 1;

    /// <summary>The file name tried by the default resolution.</summary>
    public const string DefaultFileName = "libkt.so";

    private static readonly object s_lock = new();
    private static bool s_resolverRegistered;
    private static string? s_path;
    private static IntPtr s_handle;
    private static string? s_loadedFrom;
    private static bool s_resolved;

    /// <summary>
    /// Loads libkt from exactly <paramref name="path"/>. Call it before the first call into the
    /// library; calling it again with the same path does nothing.
    /// </summary>
    /// <param name="path">The library file, absolute or relative to the current directory.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">No file is at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// Another path was given before, or the library was already loaded by the default resolution.
    /// </exception>
    public static void Use(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        lock (s_lock)
        {
            if (s_path is not null)
            {
                if (!string.Equals(s_path, full, StringComparison.Ordinal))
                    throw new InvalidOperationException($"libkt is already bound to '{s_path}'; it cannot be switched to '{full}'.");
                return;
            }
            if (s_resolved)
                throw new InvalidOperationException($"libkt was already loaded{(s_loadedFrom is null ? "" : $" from '{s_loadedFrom}'")} by an earlier call; call KtLibrary.Use before the first call into the library.");
            if (!File.Exists(full))
                throw new FileNotFoundException($"libkt: no file at '{full}'.", full);
            s_path = full;
            EnsureResolverLocked();
        }
    }

    /// <summary>The path given to <see cref="Use"/>, or null when the default resolution is used.</summary>
    public static string? BoundPath => s_path;

    /// <summary>The library's ABI version (<c>kt_abi_version</c>); loads the library if needed.</summary>
    public static int AbiVersion => NativeMethods.kt_abi_version();

    /// <summary>The library's version string (<c>kt_version</c>), e.g. "0.1.0".</summary>
    public static unsafe string Version => Marshal.PtrToStringUTF8((IntPtr)NativeMethods.kt_version()) ?? "";

    /// <summary>
    /// Refuses a library whose ABI version differs from <see cref="ExpectedAbiVersion"/>, as kt.h
    /// requires of every host. <see cref="KtNative.Init"/> calls it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The versions differ.</exception>
    /// <exception cref="DllNotFoundException">The library could not be loaded.</exception>
    public static void EnsureCompatible()
    {
        int version = AbiVersion;
        if (version != ExpectedAbiVersion)
            throw new InvalidOperationException($"libkt{Describe()} has ABI version {version}; this binding needs {ExpectedAbiVersion}.");
    }

    private static string Describe()
    {
        string? from = s_loadedFrom ?? s_path;
        return from is null ? "" : $" at '{from}'";
    }

    /// <summary>Registers the resolver for "kt" once; the import class calls it before its first call.</summary>
    internal static void EnsureResolver()
    {
        lock (s_lock)
            EnsureResolverLocked();
    }

    private static void EnsureResolverLocked()
    {
        if (s_resolverRegistered)
            return;
        NativeLibrary.SetDllImportResolver(typeof(KtLibrary).Assembly, Resolve);
        s_resolverRegistered = true;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.Library)
            return IntPtr.Zero;
        lock (s_lock)
        {
            if (s_handle != IntPtr.Zero)
                return s_handle;
            s_resolved = true;
            if (s_path is not null)
            {
                s_handle = NativeLibrary.Load(s_path);
                s_loadedFrom = s_path;
            }
            else if (NativeLibrary.TryLoad(DefaultFileName, assembly, searchPath, out var handle))
            {
                // This overload probes next to the app and on the search path without calling
                // the resolver again.
                s_handle = handle;
                s_loadedFrom = DefaultFileName;
            }
            // IntPtr.Zero: the runtime's own probing for "kt" runs next, and throws
            // DllNotFoundException when it finds nothing either.
            return s_handle;
        }
    }
}
