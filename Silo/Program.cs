using Seqline.Hosting;

// One Seqline node: the silo, and (from the edge issue on) the HTTP API and hub beside it.
var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo => silo
    .UseSeqlineClustering(builder.Configuration)
    .AddSeqline(builder.Configuration));

var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok("ok"));
app.Run();
