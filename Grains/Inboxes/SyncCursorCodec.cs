using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Seqline.Hosting;

namespace Seqline.Inboxes;

/// <summary>
/// A device's place in one user's sync: a position in the user's sync timeline (of one epoch of
/// it), and the last seq taken from each read-fan-out conversation's storage timeline.
/// </summary>
public sealed record SyncCursor(string UserId, long Epoch, long Position, IReadOnlyDictionary<string, long> ReadPositions);

/// <summary>
/// Turns cursors into opaque strings and back. The string carries a MAC, so a cursor that was
/// altered is refused as invalid instead of being read; the owner is inside, so another user's
/// cursor is recognised as such. The encoding is canonical (read positions sorted), so the same
/// place always gives the same string: pushes are matched against cursors by equality.
/// A read position takes about 11 bytes: the conversation as a 64-bit hash of its id (the inbox
/// knows its conversations, so it can tell which one is meant) and the seq as a varint.
/// </summary>
public sealed class SyncCursorCodec(IOptions<SyncOptions> options)
{
    private const byte Version = 3;
    private const int MacLength = 16;
    private const int MaxEncodedLength = 8192;
    private const char UnknownMark = '#'; // never in a conversation id

    private readonly byte[] _key = KeyOf(options.Value.CursorKey ?? throw new InvalidOperationException($"{SyncOptions.Section}:CursorKey is not set."));

    // Only ever checked, never signed with: it stays until devices have pulled with the current key.
    private readonly byte[]? _previousKey = string.IsNullOrEmpty(options.Value.PreviousCursorKey) ? null : KeyOf(options.Value.PreviousCursorKey);

    private static byte[] KeyOf(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>
    /// The hash a cursor keeps a conversation under. XxHash64: every push encodes two cursors, each
    /// hashing all of the user's read-fan-out conversations. The MAC, not this hash, stops forgery.
    /// </summary>
    public static ulong HashOf(string conversationId)
    {
        var length = Encoding.UTF8.GetMaxByteCount(conversationId.Length);
        Span<byte> utf8 = length <= StackLimit ? stackalloc byte[length] : new byte[length];
        return XxHash64.HashToUInt64(utf8[..Encoding.UTF8.GetBytes(conversationId, utf8)]);
    }

    // Bytes a cursor is built in on the stack; a larger one (a user in very many read-fan-out conversations) is rented.
    private const int StackLimit = 1024;

    /// <summary>The key <see cref="Decode"/> gives a position whose conversation the caller did not know.</summary>
    public static string UnknownKeyOf(string conversationId) => UnknownKey(HashOf(conversationId));

    private static string UnknownKey(ulong hash) => UnknownMark + hash.ToString("x16", CultureInfo.InvariantCulture);

    private static ulong KeyHash(string key) => key.StartsWith(UnknownMark)
        ? ulong.Parse(key.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
        : HashOf(key);

    /// <remarks>
    /// Every push encodes two cursors, so this writes straight into one buffer (on the stack when it
    /// fits): the string is its only allocation. The bytes are those <see cref="Decode"/> reads.
    /// </remarks>
    public string Encode(SyncCursor cursor)
    {
        var count = cursor.ReadPositions.Count;
        Span<(ulong Hash, long Seq)> positions = count <= StackLimit / 16 ? stackalloc (ulong, long)[count] : new (ulong, long)[count];
        var i = 0;
        foreach (var (key, seq) in cursor.ReadPositions) positions[i++] = (KeyHash(key), seq);
        // Canonical: the same place always gives the same string.
        positions.Sort(static (a, b) => a.Hash != b.Hash ? a.Hash.CompareTo(b.Hash) : a.Seq.CompareTo(b.Seq));

        var userBytes = Encoding.UTF8.GetByteCount(cursor.UserId);
        if (userBytes > byte.MaxValue) throw new OverflowException("A user id of a cursor takes at most 255 bytes.");
        var length = 1 + 8 + 8 + 1 + userBytes + 5 + count * (8 + 10) + MacLength;
        byte[]? rented = length <= StackLimit ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var buffer = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
            buffer[0] = Version;
            BinaryPrimitives.WriteInt64BigEndian(buffer[1..], cursor.Epoch);
            BinaryPrimitives.WriteInt64BigEndian(buffer[9..], cursor.Position);
            buffer[17] = (byte)userBytes;
            var at = 18 + Encoding.UTF8.GetBytes(cursor.UserId, buffer[18..]);
            at += Write7BitEncoded(buffer[at..], (uint)count);
            foreach (var (hash, seq) in positions)
            {
                BinaryPrimitives.WriteUInt64BigEndian(buffer[at..], hash);
                at += 8 + Write7BitEncoded(buffer[(at + 8)..], unchecked((ulong)seq));
            }
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(_key, buffer[..at], mac);
            mac[..MacLength].CopyTo(buffer[at..]);
            return Base64Url.EncodeToString(buffer[..(at + MacLength)]);
        }
        finally
        {
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // The varint BinaryWriter.Write7BitEncodedInt(64) writes (and BinaryReader reads): 7 bits a byte, low first.
    private static int Write7BitEncoded(Span<byte> destination, ulong value)
    {
        var i = 0;
        for (; value >= 0x80; value >>= 7) destination[i++] = (byte)(value | 0x80);
        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>
    /// Reads a cursor; throws <see cref="ErrorCode.Invalid"/> for anything this codec did not write.
    /// <paramref name="conversationOf"/> names the conversation a read position's hash stands for; a
    /// position it does not know comes back under <see cref="UnknownKeyOf"/> the conversation's id.
    /// </summary>
    public SyncCursor Decode(string text, Func<ulong, string?>? conversationOf = null)
    {
        var invalid = SeqlineException.Invalid("The sync cursor is malformed or was altered.");
        if (text.Length > MaxEncodedLength || !Base64Url.IsValid(text)) throw invalid;
        var bytes = Base64Url.DecodeFromChars(text);
        if (bytes.Length < 1 + MacLength || bytes[0] != Version) throw invalid;

        var signed = bytes.AsSpan(0, bytes.Length - MacLength);
        var mac = bytes.AsSpan(bytes.Length - MacLength);
        if (!SignedWith(_key, signed, mac) && !(_previousKey is not null && SignedWith(_previousKey, signed, mac))) throw invalid;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 1, bytes.Length - 1 - MacLength), Encoding.UTF8);
            var epoch = ReadInt64(reader);
            var position = ReadInt64(reader);
            var user = ReadString(reader);
            var positions = new Dictionary<string, long>(StringComparer.Ordinal);
            for (int i = 0, count = reader.Read7BitEncodedInt(); i < count; i++)
            {
                var hash = unchecked((ulong)ReadInt64(reader));
                positions[conversationOf?.Invoke(hash) ?? UnknownKey(hash)] = reader.Read7BitEncodedInt64();
            }
            if (position < 0 || positions.Values.Any(p => p < 0) || reader.BaseStream.Position != reader.BaseStream.Length) throw invalid;
            return new SyncCursor(user, epoch, position, positions);
        }
        catch (Exception error) when (error is EndOfStreamException or FormatException or ArgumentException)
        {
            throw invalid;
        }
    }

    private static bool SignedWith(byte[] key, ReadOnlySpan<byte> signed, ReadOnlySpan<byte> mac) =>
        CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, signed).AsSpan(0, MacLength), mac);

    private static long ReadInt64(BinaryReader reader) => BinaryPrimitives.ReadInt64BigEndian(reader.ReadBytes(8) is { Length: 8 } b ? b : throw new EndOfStreamException());

    private static string ReadString(BinaryReader reader)
    {
        var length = reader.ReadByte();
        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? Encoding.UTF8.GetString(bytes) : throw new EndOfStreamException();
    }
}
