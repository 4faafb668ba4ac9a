namespace Kt.Interop.Tests;

/// <summary>
/// Promises of kt.h about waits, called directly so the binding's own guards (which round and
/// cap timeouts) do not hide what the library does with any non-negative timeout.
/// </summary>
[Collection(NativeEngineCollection.Name)]
public class ContractTests
{
    /// <summary>kt.h: kt_flush returns OK, NOT_INITIALIZED, TIMEOUT or INVALID_ARGUMENT (negative timeout) — any non-negative wait is valid.</summary>
    [Fact]
    public void Flush_accepts_any_non_negative_timeout()
    {
        var result = (KtResult)NativeMethods.kt_flush(long.MaxValue);
        Assert.True(result is KtResult.Ok or KtResult.Timeout, $"kt_flush(INT64_MAX): {result}: {KtNative.LastError}");
    }

    /// <summary>kt.h: kt_shutdown returns OK, NOT_INITIALIZED, TIMEOUT or INVALID_ARGUMENT (negative timeout).</summary>
    [Fact]
    public void Shutdown_accepts_any_non_negative_timeout()
    {
        try
        {
            var result = (KtResult)NativeMethods.kt_shutdown(int.MaxValue + 1L);
            Assert.True(result is KtResult.Ok or KtResult.Timeout, $"kt_shutdown(2^31): {result}: {KtNative.LastError}");
            NativeEngineFixture.Restart();
            result = (KtResult)NativeMethods.kt_shutdown(long.MaxValue);
            Assert.True(result is KtResult.Ok or KtResult.Timeout, $"kt_shutdown(INT64_MAX): {result}: {KtNative.LastError}");
        }
        finally
        {
            KtNative.Shutdown(TimeSpan.FromSeconds(10));
            NativeEngineFixture.Restart();
        }
    }
}
