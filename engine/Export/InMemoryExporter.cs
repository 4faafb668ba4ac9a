using System.Text;

namespace Kt.Export;

/// <summary>
/// Copies every exported span into an <see cref="ExportedSpan"/> kept in memory. It allocates
/// on the exporter thread, which suits tests and demos, not production.
/// </summary>
public sealed class InMemoryExporter : ISpanExporter
{
    private readonly object _lock = new();
    private readonly List<ExportedSpan> _spans = [];

    /// <summary>A copy of everything exported so far, in export order.</summary>
    public IReadOnlyList<ExportedSpan> Spans
    {
        get
        {
            lock (_lock)
                return [.. _spans];
        }
    }

    /// <summary>Forgets what was exported.</summary>
    public void Clear()
    {
        lock (_lock)
            _spans.Clear();
    }

    /// <summary>True after the engine shut the exporter down.</summary>
    public bool IsShutDown { get; private set; }

    /// <inheritdoc/>
    public bool Export(in SpanBatch batch)
    {
        var copies = new ExportedSpan[batch.Count];
        for (int i = 0; i < batch.Count; i++)
            copies[i] = Copy(batch[i]);
        lock (_lock)
            _spans.AddRange(copies);
        return true;
    }

    /// <inheritdoc/>
    public void Shutdown() => IsShutDown = true;

    private static ExportedSpan Copy(SpanView span)
    {
        var events = new List<ExportedEvent>(span.Events.Count);
        for (int i = 0; i < span.Events.Count; i++)
        {
            var e = span.Events[i];
            events.Add(new ExportedEvent(Decode(e.Name), e.TimeUnixNanoseconds, Copy(e.Attributes), e.DroppedAttributes));
        }
        var links = new List<ExportedLink>(span.Links.Count);
        for (int i = 0; i < span.Links.Count; i++)
        {
            var l = span.Links[i];
            links.Add(new ExportedLink(l.Context, Copy(l.Attributes), l.DroppedAttributes));
        }
        return new ExportedSpan
        {
            Scope = Decode(span.ScopeName),
            Name = Decode(span.Name),
            TraceId = span.TraceId,
            SpanId = span.SpanId,
            ParentSpanId = span.ParentSpanId,
            ParentIsRemote = span.ParentIsRemote,
            Flags = span.Flags,
            TraceState = Decode(span.TraceState),
            Kind = span.Kind,
            StartUnixNanoseconds = span.StartUnixNanoseconds,
            EndUnixNanoseconds = span.EndUnixNanoseconds,
            Status = span.Status,
            StatusMessage = Decode(span.StatusMessage),
            Attributes = Copy(span.Attributes),
            DroppedAttributes = span.DroppedAttributes,
            Events = events,
            DroppedEvents = span.DroppedEvents,
            Links = links,
            DroppedLinks = span.DroppedLinks,
        };
    }

    private static Dictionary<string, object> Copy(AttributeList attributes)
    {
        var result = new Dictionary<string, object>(attributes.Count, StringComparer.Ordinal);
        for (int i = 0; i < attributes.Count; i++)
        {
            var a = attributes[i];
            result[Decode(a.Key)] = a.Type switch
            {
                AttributeType.String => Decode(a.StringValue),
                AttributeType.Int => a.IntValue,
                AttributeType.Double => a.DoubleValue,
                AttributeType.Bool => a.BoolValue,
                AttributeType.StringArray => Strings(a),
                AttributeType.IntArray => Ints(a),
                AttributeType.DoubleArray => Doubles(a),
                AttributeType.BoolArray => Bools(a),
                _ => "",
            };
        }
        return result;
    }

    private static string[] Strings(AttributeView a)
    {
        var result = new string[a.ArrayLength];
        for (int i = 0; i < result.Length; i++)
            result[i] = Decode(a.StringAt(i));
        return result;
    }

    private static long[] Ints(AttributeView a)
    {
        var result = new long[a.ArrayLength];
        for (int i = 0; i < result.Length; i++)
            result[i] = a.IntAt(i);
        return result;
    }

    private static double[] Doubles(AttributeView a)
    {
        var result = new double[a.ArrayLength];
        for (int i = 0; i < result.Length; i++)
            result[i] = a.DoubleAt(i);
        return result;
    }

    private static bool[] Bools(AttributeView a)
    {
        var result = new bool[a.ArrayLength];
        for (int i = 0; i < result.Length; i++)
            result[i] = a.BoolAt(i);
        return result;
    }

    private static string Decode(ReadOnlySpan<byte> utf8) => Encoding.UTF8.GetString(utf8);
}
