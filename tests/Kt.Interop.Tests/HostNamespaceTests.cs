// A host outside the Kt.* namespaces reaches the binding with one using directive.
using Kt.Interop;
using Kt.Interop.Tests;

namespace Sample.Host;

[Collection(NativeEngineCollection.Name)]
public class HostNamespaceTests
{
    [Fact]
    public void A_host_outside_the_Kt_namespace_uses_the_binding()
    {
        Assert.Equal(KtResult.Ok, KtNative.Nop());
        Assert.Equal(KtResult.Ok, NativeTracer.Global.StartSpan(NativeContext.None, "host", out var span));
        Assert.Equal(KtResult.Ok, span.SetAttribute("host", true));
        Assert.Equal(KtResult.Ok, span.Finish());
        Assert.Equal(KtResult.Ok, KtNative.Counters(out var counters));
        Assert.NotEqual(0UL, counters.SpansStarted);
    }
}
