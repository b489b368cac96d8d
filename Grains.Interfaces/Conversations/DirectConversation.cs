using System.Security.Cryptography;
using System.Text;

namespace Seqline.Conversations;

/// <summary>
/// Direct (1:1) conversations have one id per pair of users, whoever starts them, so that
/// "message bob" always lands in the same timeline.
/// </summary>
public static class DirectConversation
{
    /// <summary>The conversation id of the pair; the order of the two users does not matter.</summary>
    public static string IdFor(string userA, string userB)
    {
        var (first, second) = string.CompareOrdinal(userA, userB) <= 0 ? (userA, userB) : (userB, userA);
        // Hashing keeps the id inside the 128-character limit for any two valid user ids.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{first}\n{second}"));
        return "dm-" + Convert.ToHexStringLower(hash, 0, 20);
    }
}
