namespace Seqline.Tests.Fixtures;

/// <summary>
/// Command-line arguments for <c>SeqlineNode.Build</c> in tests that build a node and look at its
/// services without starting it: valid secrets, no Kubernetes, a data folder nobody writes to.
/// </summary>
public static class UnstartedNode
{
    public static string[] Args(Dictionary<string, string> settings)
    {
        settings.TryAdd("Urls", "http://127.0.0.1:0");
        settings.TryAdd("Seqline:Auth:SigningKey", SeqlineServer.SigningKey);
        settings.TryAdd("Seqline:Sync:CursorKey", SeqlineServer.CursorKey);
        settings.TryAdd("Seqline:Cluster:Kubernetes", "Off");
        settings.TryAdd("Seqline:Storage:Sqlite:DataDirectory", Path.Combine(Path.GetTempPath(), "seqline-tests", "unused"));
        settings.TryAdd("Logging:LogLevel:Default", "Warning");
        return [.. settings.Select(s => $"--{s.Key}={s.Value}")];
    }
}
