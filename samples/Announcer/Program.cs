using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Seqline;
using Seqline.Samples.Announcer;

// dotnet run --project samples/Announcer -- --from ops-bot --to alice,bob --title Maintenance --text "Down at 22:00 for 10 minutes"
using var host = AnnouncerHost.Build(args);
var settings = host.Services.GetRequiredService<IConfiguration>();
var from = settings["from"] ?? "announcements";
var to = (settings["to"] ?? "alice,bob").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var text = settings["text"] ?? "Hello from another .NET service.";

await host.StartAsync();
try
{
    var announcer = host.Services.GetRequiredService<Announcer>();
    var announcement = await announcer.AnnounceAsync(from, to, settings["title"] ?? "Announcements", Guid.NewGuid().ToString("N"), text);
    Console.WriteLine($"Announced in {announcement.ConversationId} at seq {announcement.Receipt.Seq}.");
    foreach (var message in await announcer.LatestAsync(from, announcement.ConversationId, 10))
        Console.WriteLine($"  {message.Seq} {message.SenderId}: {message.Body}");
    return 0;
}
catch (SeqlineException refused)
{
    Console.Error.WriteLine($"Refused ({refused.CodeName}): {refused.Message}");
    return 1;
}
finally
{
    await host.StopAsync();
}
