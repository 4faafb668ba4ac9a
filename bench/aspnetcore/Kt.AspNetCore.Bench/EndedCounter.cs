using System.Diagnostics;
using OpenTelemetry;

namespace Kt.AspNetCore.Bench;

/// <summary>Counts the spans the OpenTelemetry SDK ended, so that those its batch processor dropped show.</summary>
internal sealed class EndedCounter : BaseProcessor<Activity>
{
    private long _ended;

    public long Ended => Interlocked.Read(ref _ended);

    public override void OnEnd(Activity data) => Interlocked.Increment(ref _ended);
}
