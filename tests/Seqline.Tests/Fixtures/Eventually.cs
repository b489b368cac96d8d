namespace Seqline.Tests.Fixtures;

/// <summary>Bounded polling for things that happen in the background (fan-out, recovery).</summary>
public static class Eventually
{
    public static async Task True(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {within.TotalSeconds:0}s waiting for {what}.");
            await Task.Delay(100);
        }
    }
}
