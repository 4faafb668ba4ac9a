using System.Text;

namespace Kt;

/// <summary>
/// The tracers of one engine, by index (what a slot records) and the namespaces their active
/// spans live under. Grows only when a tracer is created, never on the hot path.
/// </summary>
internal sealed class TracerRegistry
{
    private readonly object _lock = new();
    private readonly Dictionary<string, int> _namespaces = new(StringComparer.Ordinal);
    private byte[][] _namesUtf8 = [];
    private byte[][] _namespaceNamesUtf8 = [];
    private int[] _namespaceOf = [];

    public (ushort Index, int Namespace) Register(string name, string ns)
    {
        lock (_lock)
        {
            if (_namesUtf8.Length == ushort.MaxValue)
                throw new InvalidOperationException($"at most {ushort.MaxValue} tracers per engine");
            if (!_namespaces.TryGetValue(ns, out int nsIndex))
            {
                nsIndex = _namespaces.Count;
                _namespaces.Add(ns, nsIndex);
                _namespaceNamesUtf8 = [.. _namespaceNamesUtf8, PinnedUtf8(ns)];
            }
            var index = (ushort)_namesUtf8.Length;
            _namesUtf8 = [.. _namesUtf8, PinnedUtf8(name)];
            _namespaceOf = [.. _namespaceOf, nsIndex];
            return (index, nsIndex);
        }
    }

    public ReadOnlySpan<byte> NameUtf8(ushort index) => _namesUtf8[index];

    public ReadOnlySpan<byte> NamespaceUtf8(ushort index) => _namespaceNamesUtf8[_namespaceOf[index]];

    // Pinned, so that a host may hold a pointer to a span's tracer name (kt_span_info).
    private static byte[] PinnedUtf8(string text)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(Encoding.UTF8.GetByteCount(text), pinned: true);
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    public int NamespaceOf(ushort index) => _namespaceOf[index];
}
