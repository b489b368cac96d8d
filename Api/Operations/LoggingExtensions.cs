using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Seqline.Api.Operations;

public static class LoggingExtensions
{
    /// <summary>Orleans' placement runs through a Polly pipeline that logs every attempt, which is every activation.</summary>
    private const string PollyCategory = "Polly";

    /// <summary>
    /// Console logs in the format <see cref="SeqlineLoggingOptions.Format"/> names, and Polly's
    /// per-attempt lines held to warnings unless <c>Logging:LogLevel:Polly</c> says otherwise.
    /// </summary>
    public static WebApplicationBuilder AddSeqlineLogging(this WebApplicationBuilder builder)
    {
        // The console logger has every formatter; the options pick one as the node starts.
        builder.Logging.AddConsole();
        builder.Services.AddOptions<ConsoleLoggerOptions>().Configure<IOptions<SeqlineLoggingOptions>>((console, options) =>
        {
            if (options.Value.Format == ConsoleLogFormat.Json) console.FormatterName = ConsoleFormatterNames.Json;
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "O";
            // Logs are not HTML: keep '+', '&' and the like readable instead of \u-escaping them.
            json.JsonWriterOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        });
        // A filter added in code would outrank the configuration's; this one yields to it.
        if (builder.Configuration[$"Logging:LogLevel:{PollyCategory}"] is null)
            builder.Logging.AddFilter(PollyCategory, LogLevel.Warning);
        return builder;
    }
}
