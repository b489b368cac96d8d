using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Seqline.Hosting;

namespace Seqline.Inboxes;

/// <summary>A position in one user's sync timeline, from one epoch of that timeline.</summary>
public readonly record struct SyncCursor(string UserId, long Epoch, long Position);

/// <summary>
/// Turns cursors into opaque strings and back. The string carries a MAC, so a cursor that was
/// altered is refused as invalid instead of being read; the owner is inside, so another user's
/// cursor is recognised as such.
/// </summary>
public sealed class SyncCursorCodec(IOptions<SyncOptions> options)
{
    private const byte Version = 1;
    private const int MacLength = 16;
    private const int MaxEncodedLength = 512;

    private readonly byte[] _key = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.CursorKey));

    public string Encode(SyncCursor cursor)
    {
        var user = Encoding.UTF8.GetBytes(cursor.UserId);
        var bytes = new byte[1 + 8 + 8 + 1 + user.Length + MacLength];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), cursor.Epoch);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(9), cursor.Position);
        bytes[17] = checked((byte)user.Length);
        user.CopyTo(bytes, 18);
        HMACSHA256.HashData(_key, bytes.AsSpan(0, bytes.Length - MacLength)).AsSpan(0, MacLength).CopyTo(bytes.AsSpan(bytes.Length - MacLength));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a cursor; throws <see cref="ErrorCode.Invalid"/> for anything this codec did not write.</summary>
    public SyncCursor Decode(string text)
    {
        var invalid = SeqlineException.Invalid("The sync cursor is malformed or was altered.");
        if (text.Length > MaxEncodedLength || !Base64Url.IsValid(text)) throw invalid;
        var bytes = Base64Url.DecodeFromChars(text);
        if (bytes.Length < 18 + MacLength || bytes[0] != Version || bytes.Length != 18 + bytes[17] + MacLength) throw invalid;

        var signed = bytes.AsSpan(0, bytes.Length - MacLength);
        var expected = HMACSHA256.HashData(_key, signed).AsSpan(0, MacLength);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(bytes.Length - MacLength))) throw invalid;

        var position = BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(9));
        if (position < 0) throw invalid;
        return new SyncCursor(
            Encoding.UTF8.GetString(bytes, 18, bytes[17]),
            BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)),
            position);
    }
}
