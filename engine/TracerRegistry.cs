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
            _namesUtf8 = [.. _namesUtf8, Encoding.UTF8.GetBytes(name)];
            _namespaceOf = [.. _namespaceOf, nsIndex];
            return (index, nsIndex);
        }
    }

    public ReadOnlySpan<byte> NameUtf8(ushort index) => _namesUtf8[index];

    public int NamespaceOf(ushort index) => _namespaceOf[index];
}
