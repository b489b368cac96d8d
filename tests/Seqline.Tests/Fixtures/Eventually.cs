namespace Seqline.Tests.Fixtures;

/// <summary>Bounded polling for things that happen in the background (fan-out, recovery).</summary>
public static class Eventually
{
    public static Task True(Func<bool> condition, TimeSpan within, string what) => True(() => Task.FromResult(condition()), within, what);

    public static async Task True(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out after {within.TotalSeconds:0}s waiting for {what}.");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// A call refused while something restarts (a conversation after a failed write) is tried again, as a
    /// client would, until it succeeds; after <paramref name="within"/> its last failure is the test's.
    /// </summary>
    public static async Task<T> Succeeds<T>(Func<Task<T>> call, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
