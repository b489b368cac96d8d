namespace Seqline.Api.Operations;

/// <summary>How the node writes its logs to the console (configuration section <c>Seqline:Logging</c>).</summary>
public sealed class SeqlineLoggingOptions
{
    public const string Section = "Seqline:Logging";

    /// <summary><c>Simple</c> (default): a line per entry, for people. <c>Json</c>: a JSON object per line, for log collectors.</summary>
    public ConsoleLogFormat Format { get; set; } = ConsoleLogFormat.Simple;
}

public enum ConsoleLogFormat
{
    Simple,
    Json,
}
