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
            }
            var index = (ushort)_namesUtf8.Length;
            // Pinned, so that a host may hold a pointer to a span's tracer name (kt_span_info).
            var nameUtf8 = GC.AllocateUninitializedArray<byte>(Encoding.UTF8.GetByteCount(name), pinned: true);
            Encoding.UTF8.GetBytes(name, nameUtf8);
            _namesUtf8 = [.. _namesUtf8, nameUtf8];
            _namespaceOf = [.. _namespaceOf, nsIndex];
            return (index, nsIndex);
        }
    }

    public ReadOnlySpan<byte> NameUtf8(ushort index) => _namesUtf8[index];

    public int NamespaceOf(ushort index) => _namespaceOf[index];
}
