using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Seqline.Hosting;
using Seqline.Inboxes;

namespace Seqline.Tests.Inboxes;

/// <summary>The cursor's compact form, and cursors that devices still hold from the earlier form.</summary>
public sealed class SyncCursorCodecTests
{
    private readonly SyncCursorCodec _codec = new(Options.Create(new SyncOptions { CursorKey = SyncOptions.DevelopmentCursorKey }));

    [Fact]
    public void Read_positions_come_back_under_the_ids_the_inbox_knows_and_as_bare_hashes_otherwise()
    {
        var positions = new Dictionary<string, long> { ["g-known"] = 7, ["g-left"] = 300_000 };
        var text = _codec.Encode(new SyncCursor("ann", 42, 9, positions));

        var decoded = _codec.Decode(text, hash => hash == SyncCursorCodec.HashOf("g-known") ? "g-known" : null);
        Assert.Equal(("ann", 42L, 9L), (decoded.UserId, decoded.Epoch, decoded.Position));
        Assert.Equal(new Dictionary<string, long> { ["g-known"] = 7, [SyncCursorCodec.UnknownKeyOf("g-left")] = 300_000 }, decoded.ReadPositions);
        // A bare hash encodes as the id it stands for: the same place, the same string.
        Assert.Equal(text, _codec.Encode(decoded));
    }

    [Fact]
    public void A_cursor_is_written_as_devices_hold_it_field_by_field_with_read_positions_in_hash_order()
    {
        // Devices keep cursors across releases and pushes are matched to them by equality: the bytes must not move.
        var positions = new Dictionary<string, long> { ["g-b"] = 300_000, ["g-a"] = 5, ["g-c"] = 0 };
        var text = _codec.Encode(new SyncCursor("ann", 42, 9, positions));

        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)3);
            writer.Write(BigEndian(42));
            writer.Write(BigEndian(9));
            writer.Write((byte)3);
            writer.Write("ann"u8);
            writer.Write7BitEncodedInt(3);
            foreach (var (hash, seq) in positions.Select(p => (Hash: SyncCursorCodec.HashOf(p.Key), Seq: p.Value)).OrderBy(p => p.Hash))
            {
                writer.Write(BigEndian(unchecked((long)hash)));
                writer.Write7BitEncodedInt64(seq);
            }
        }
        Assert.Equal(Signed(body.ToArray()), text);
    }

    [Fact]
    public void A_cursor_of_the_unreleased_form_with_full_ids_is_refused_as_invalid_even_when_signed()
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((byte)2);
            writer.Write(BigEndian(42));
            writer.Write(BigEndian(9));
            writer.Write((byte)3);
            writer.Write("ann"u8);
            writer.Write((ushort)1);
            writer.Write((byte)7);
            writer.Write("g-group"u8);
            writer.Write(BigEndian(5));
        }
        var text = Signed(body.ToArray());

        // Signed with the right key, yet a form no release wrote: the device is told to start over.
        Assert.Equal(ErrorCode.Invalid, Assert.Throws<SeqlineException>(() => _codec.Decode(text)).Code);
    }

    private static string Signed(byte[] signed)
    {
        var key = SHA256.HashData(Encoding.UTF8.GetBytes(SyncOptions.DevelopmentCursorKey));
        return Base64Url.EncodeToString([.. signed, .. HMACSHA256.HashData(key, signed).AsSpan(0, 16)]);
    }

    private static byte[] BigEndian(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }
}
