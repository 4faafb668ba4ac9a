using Kt.Interop;

namespace Kt.Tests;

/// <summary>The libkt.so the build published (artifacts/native), bound before any test calls into it.</summary>
internal static class LibktFixture
{
    private static readonly Lazy<string> s_path = new(() =>
    {
        var path = System.IO.Path.Combine(OtlpDecoder.RepositoryRoot(), "artifacts", "native", "libkt.so");
        Assert.True(File.Exists(path), $"{path} is missing: run ./build.sh test (or ./build.sh native), which publishes it");
        KtLibrary.Use(path);
        return path;
    });

    /// <summary>The library's path, bound to the binding.</summary>
    public static string LibraryPath => s_path.Value;
}
