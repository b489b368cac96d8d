using System.Buffers;
using Orleans.Serialization;
using Orleans.Storage;

namespace Seqline.Storage.Sqlite;

/// <summary>
/// How the SQLite store writes grain state: Orleans' own binary serializer (the states are
/// <c>[GenerateSerializer]</c> types), after a one-byte mark. Until now state went through the
/// silo's default storage serializer, Newtonsoft JSON by way of a string, and every checkpoint of
/// an inbox or a conversation paid for that string, its characters and its bytes: a tenth of what
/// the node allocated per send. State written before, which has no mark (JSON text never starts
/// with it), is still read with <paramref name="legacy"/>, and is written back in the new form at
/// the grain's next save. A node of an earlier version cannot read what this one writes.
/// </summary>
public sealed class SqliteStateFormat(Serializer serializer, IGrainStorageSerializer legacy) : IGrainStorageSerializer
{
    /// <summary>The first byte of state in this format. JSON text starts with '{', '[', a letter or white space.</summary>
    public const byte OrleansBinary = 0x01;

    public BinaryData Serialize<T>(T? input)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        buffer.Write([OrleansBinary]);
        serializer.Serialize(input, buffer);
        return new BinaryData(buffer.WrittenMemory);
    }

    public T Deserialize<T>(BinaryData input)
    {
        var data = input.ToMemory();
        return data.Length > 0 && data.Span[0] == OrleansBinary
            ? serializer.Deserialize<T>(data[1..])!
            : legacy.Deserialize<T>(input)!;
    }
}
