namespace Kt.Tests;

/// <summary>One headless Chromium for the browser tests, which run one at a time (a browser each would crowd two cores).</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    internal HeadlessChromium Browser { get; private set; } = null!;

    public async Task InitializeAsync() => Browser = await HeadlessChromium.StartAsync();

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
    }
}

[CollectionDefinition("chromium")]
public sealed class ChromiumCollection : ICollectionFixture<ChromiumFixture>;
