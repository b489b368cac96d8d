namespace Seqline.Tests.Fixtures;

/// <summary>Fresh ids, so tests sharing a cluster never see each other's data.</summary>
public static class Ids
{
    public static string User(string name) => $"{name}-{Guid.NewGuid():N}"[..24];
    public static string Conversation() => "c-" + Guid.NewGuid().ToString("N");
    public static string ClientMsg() => Guid.NewGuid().ToString("N");
}
