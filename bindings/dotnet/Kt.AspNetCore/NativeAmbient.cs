namespace Kt.AspNetCore;

/// <summary>The request libkt traces in the current async flow, for the CLIENT spans of its HttpClient calls.</summary>
internal static class NativeAmbient
{
    private static readonly AsyncLocal<RequestState?> s_current = new();

    public static RequestState? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }
}
