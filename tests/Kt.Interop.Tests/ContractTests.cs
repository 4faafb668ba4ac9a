namespace Kt.Interop.Tests;

/// <summary>
/// Promises of kt.h that libkt.so 0.1.0 does not keep, called directly so the binding's own
/// guards do not hide them. Skipped so the suite stays green; remove the Skip when libkt is fixed.
/// </summary>
[Collection(NativeEngineCollection.Name)]
public class ContractTests
{
    private const string Reported = "libkt.so breaks this promise of kt.h; reported, not fixed in native/ by the binding's author";

    /// <summary>kt.h: kt_flush returns OK, NOT_INITIALIZED, TIMEOUT or INVALID_ARGUMENT (negative timeout) — any non-negative wait is valid.</summary>
    [Fact(Skip = Reported + ": kt_flush(INT64_MAX) returns KT_E_INTERNAL (TimeSpan overflow above 922337203685477 ms)")]
    public void Flush_accepts_any_non_negative_timeout()
    {
        var result = (KtResult)NativeMethods.kt_flush(long.MaxValue);
        Assert.True(result is KtResult.Ok or KtResult.Timeout, $"kt_flush(INT64_MAX): {result}: {Kt.LastError}");
    }

    /// <summary>kt.h: kt_shutdown returns OK, NOT_INITIALIZED, TIMEOUT or INVALID_ARGUMENT (negative timeout).</summary>
    [Fact(Skip = Reported + ": kt_shutdown(2^31 ms) returns KT_E_INTERNAL after shutting down; kt_shutdown(INT64_MAX) returns KT_E_INTERNAL and does not shut down")]
    public void Shutdown_accepts_any_non_negative_timeout()
    {
        try
        {
            var result = (KtResult)NativeMethods.kt_shutdown(int.MaxValue + 1L);
            Assert.True(result is KtResult.Ok or KtResult.Timeout, $"kt_shutdown(2^31): {result}: {Kt.LastError}");
            NativeEngineFixture.Restart();
            result = (KtResult)NativeMethods.kt_shutdown(long.MaxValue);
            Assert.True(result is KtResult.Ok or KtResult.Timeout, $"kt_shutdown(INT64_MAX): {result}: {Kt.LastError}");
        }
        finally
        {
            Kt.Shutdown(TimeSpan.FromSeconds(10));
            NativeEngineFixture.Restart();
        }
    }
}
