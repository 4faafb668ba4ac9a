using Kt.Store;

namespace Kt.Tests;

/// <summary>The ring of encoded spans: order, wrapping at the end, and full meaning refused, never overwritten.</summary>
public class SpanRecordRingTests
{
    private const int Recheck = 1 << 20;

    private static byte[] Record(int length, byte fill) => Enumerable.Repeat(fill, length).ToArray();

    private static List<(byte[] Bytes, ushort Tracer)> ReadAll(SpanRecordRing ring, out long position)
    {
        var read = new List<(byte[], ushort)>();
        position = ring.ReadPosition;
        while (ring.TryRead(ref position, out int offset, out int length, out ushort tracer))
            read.Add((ring.Bytes.AsSpan(offset, length).ToArray(), tracer));
        return read;
    }

    [Fact]
    public void Records_come_back_in_order_with_their_tracer()
    {
        var ring = new SpanRecordRing(4096, 100);
        for (int i = 0; i < 10; i++)
            Assert.True(ring.TryAppend(Record(i * 3, (byte)i), (ushort)(i % 3), Recheck) > 0);
        Assert.Equal(10, ring.Count);
        var read = ReadAll(ring, out long position);
        Assert.Equal(10, read.Count);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(Record(i * 3, (byte)i), read[i].Bytes);
            Assert.Equal((ushort)(i % 3), read[i].Tracer);
        }
        // read is not released: nothing new to read after it, and the count stays until released
        Assert.False(ring.TryRead(ref position, out _, out _, out _));
        Assert.Equal(10, ring.Count);
        ring.Release(position, 10);
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public void A_record_that_does_not_fit_before_the_end_starts_again_at_the_beginning()
    {
        var ring = new SpanRecordRing(4096, 1000);
        int written = 0, released = 0;
        // 1000-byte records (1008 with the header): the fourth never fits before the end
        for (int lap = 0; lap < 20; lap++)
        {
            for (int i = 0; i < 3; i++)
                Assert.True(ring.TryAppend(Record(1000, (byte)(written + i)), 1, Recheck) > 0);
            var read = ReadAll(ring, out long position);
            Assert.Equal(3, read.Count);
            for (int i = 0; i < 3; i++)
                Assert.Equal(Record(1000, (byte)(written + i)), read[i].Bytes);
            written += 3;
            ring.Release(position, 3);
            released += 3;
        }
        Assert.Equal(0, ring.Count);
        Assert.Equal(written, released);
    }

    [Fact]
    public void A_full_ring_refuses_and_keeps_what_it_holds()
    {
        var ring = new SpanRecordRing(4096, 1000);
        int appended = 0;
        while (ring.TryAppend(Record(500, (byte)appended), 0, Recheck) > 0)
            appended++;
        Assert.InRange(appended, 7, 8);
        var read = ReadAll(ring, out long position);
        Assert.Equal(appended, read.Count);
        Assert.All(read.Select((r, i) => (r, i)), x => Assert.Equal(Record(500, (byte)x.i), x.r.Bytes));
        ring.Release(position, read.Count);
        Assert.True(ring.TryAppend(Record(500, 42), 0, Recheck) > 0);
    }

    [Fact]
    public void The_record_count_limit_refuses_as_well()
    {
        var ring = new SpanRecordRing(1 << 16, 5);
        for (int i = 0; i < 5; i++)
            Assert.True(ring.TryAppend(Record(8, 1), 0, Recheck) > 0);
        Assert.Equal(0, ring.TryAppend(Record(8, 1), 0, Recheck));
        var read = ReadAll(ring, out long position);
        ring.Release(position, read.Count);
        Assert.True(ring.TryAppend(Record(8, 1), 0, Recheck) > 0);
    }

    [Fact]
    public void The_producer_learns_how_many_wait_once_a_batch_is_reached()
    {
        var ring = new SpanRecordRing(1 << 16, 1000);
        for (int i = 1; i <= 20; i++)
            Assert.Equal(i, ring.TryAppend(Record(8, 1), 0, recheckAt: 10));
        var read = ReadAll(ring, out long position);
        ring.Release(position, read.Count);
        // The producer's copy says 20 wait until it looks again, which it does at 10 or more.
        Assert.Equal(1, ring.TryAppend(Record(8, 1), 0, recheckAt: 10));
        Assert.Equal(2, ring.TryAppend(Record(8, 1), 0, recheckAt: 10));
    }

    [Fact]
    public void A_record_larger_than_half_the_ring_is_refused()
    {
        var ring = new SpanRecordRing(4096, 10);
        Assert.Equal(0, ring.TryAppend(Record(ring.MaxRecordLength + 1, 1), 0, Recheck));
        Assert.True(ring.TryAppend(Record(ring.MaxRecordLength, 1), 0, Recheck) > 0);
        Assert.Equal(0, ring.MaxRecordLength % 8);
    }

    [Fact]
    public void A_producer_and_a_consumer_on_two_threads_pass_every_record_once()
    {
        var ring = new SpanRecordRing(8192, 64);
        const int Total = 200_000;
        var producer = new Thread(() =>
        {
            var record = new byte[24];
            for (int i = 0; i < Total; i++)
            {
                BitConverter.TryWriteBytes(record, i);
                while (ring.TryAppend(record.AsSpan(0, 4 + i % 20), (ushort)(i % 7), Recheck) == 0)
                    Thread.Yield();
            }
        });
        producer.Start();
        int expected = 0;
        while (expected < Total)
        {
            long position = ring.ReadPosition;
            int n = 0;
            while (ring.TryRead(ref position, out int offset, out int length, out ushort tracer))
            {
                Assert.Equal(expected, BitConverter.ToInt32(ring.Bytes, offset));
                Assert.Equal(4 + expected % 20, length);
                Assert.Equal((ushort)(expected % 7), tracer);
                expected++;
                n++;
            }
            ring.Release(position, n);
            if (n == 0)
                Thread.Yield();
        }
        producer.Join();
        Assert.Equal(0, ring.Count);
    }
}
