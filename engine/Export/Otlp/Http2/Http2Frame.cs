using System.Buffers.Binary;

namespace Kt.Export.Otlp.Http2;

/// <summary>HTTP/2's frame types, flags and settings (RFC 9113, section 6) and the 9-byte frame header.</summary>
internal static class Http2Frame
{
    public const int HeaderLength = 9;

    /// <summary>SETTINGS_MAX_FRAME_SIZE's and the flow-control windows' initial values.</summary>
    public const int DefaultMaxFrameSize = 16384;
    public const int DefaultWindow = 65535;

    public const byte Data = 0x0;
    public const byte Headers = 0x1;
    public const byte RstStream = 0x3;
    public const byte Settings = 0x4;
    public const byte PushPromise = 0x5;
    public const byte Ping = 0x6;
    public const byte GoAway = 0x7;
    public const byte WindowUpdate = 0x8;
    public const byte Continuation = 0x9;

    public const byte EndStream = 0x1;
    public const byte Ack = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte Priority = 0x20;

    public const ushort SettingsEnablePush = 0x2;
    public const ushort SettingsInitialWindowSize = 0x4;
    public const ushort SettingsMaxFrameSize = 0x5;

    /// <summary>RST_STREAM's REFUSED_STREAM: the stream was not processed and can be retried.</summary>
    public const int RefusedStream = 0x7;

    /// <summary>RST_STREAM's CANCEL.</summary>
    public const int Cancel = 0x8;

    /// <summary>The client connection preface (section 3.4).</summary>
    public static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public static void WriteHeader(Span<byte> destination, int length, byte type, byte flags, int stream)
    {
        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
        destination[3] = type;
        destination[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(destination[5..], stream);
    }
}
