// A host outside the Kt.* namespaces: there the simple name Kt is the root namespace (it wins
// over using directives), so the engine class is reached through an alias.
using Kt.Interop;
using Kt.Interop.Tests;
using KtEngine = Kt.Interop.Kt;

namespace Sample.Host;

[Collection(NativeEngineCollection.Name)]
public class HostNamespaceTests
{
    [Fact]
    public void A_host_outside_the_Kt_namespace_uses_the_binding_through_an_alias()
    {
        Assert.Equal(KtResult.Ok, KtEngine.Nop());
        Assert.Equal(KtResult.Ok, NativeTracer.Global.StartSpan(NativeContext.None, "host", out var span));
        Assert.Equal(KtResult.Ok, span.SetAttribute("host", true));
        Assert.Equal(KtResult.Ok, span.Finish());
        Assert.Equal(KtResult.Ok, KtEngine.Counters(out var counters));
        Assert.NotEqual(0UL, counters.SpansStarted);
    }
}
