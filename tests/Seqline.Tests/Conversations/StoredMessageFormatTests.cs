using System.Text;
using Seqline.Conversations;
using Seqline.Inboxes;
using Seqline.Timelines;

namespace Seqline.Tests.Conversations;

/// <summary>
/// Conversation timelines keep what earlier versions wrote: a role notice stored its role by the
/// member's name ("Admin"), and history must still read it, whatever the wire's names become.
/// </summary>
public sealed class StoredMessageFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Member", MemberRole.Member)]
    [InlineData("Admin", MemberRole.Admin)]
    [InlineData("Owner", MemberRole.Owner)]
    public void A_role_notice_stored_by_an_earlier_version_reads_back(string stored, MemberRole role)
    {
        var json = $$"""{"senderId":"alice","clientMsgId":"n-1","body":"","type":"role","userId":"bob","role":"{{stored}}"}""";

        var message = MessageCodec.ToMessage("c-1", new TimelineEntry(7, At, Encoding.UTF8.GetBytes(json)));

        Assert.Equal((SyncEventTypes.Role, "bob", role), (message.Type, message.UserId, message.Role));
    }

    [Fact]
    public void A_role_notice_is_stored_as_earlier_versions_read_it()
    {
        var notice = new ChatMessage("c-1", 7, "alice", "n-1", At, "", Type: SyncEventTypes.Role, UserId: "bob", Role: MemberRole.Admin);

        var stored = Encoding.UTF8.GetString(MessageCodec.ToEntry(notice).Payload);

        Assert.Contains("\"role\":\"Admin\"", stored);
    }
}
