using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Seqline.OfflinePush;
using Seqline.Push;

namespace Seqline.Hosting;

/// <summary>
/// The node's options checked as it starts (<c>ValidateOnStart</c>), each failure a sentence naming
/// the setting, so that a wrong value stops the node at once instead of misbehaving later. Secrets
/// have no working default outside Development.
/// </summary>
public static class SeqlineOptionsValidation
{
    /// <summary>Every options type a silo reads, bound once to its section and checked at start.</summary>
    public static IServiceCollection AddSeqlineOptionsValidation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SeqlineLimits, SeqlineLimitsValidator>(configuration, SeqlineLimits.Section);
        services.AddValidatedOptions<PushOptions, PushOptionsValidator>(configuration, PushOptions.Section);
        services.AddValidatedOptions<SyncOptions, SyncOptionsValidator>(configuration, SyncOptions.Section).PostConfigure<IHostEnvironment>((o, environment) =>
        {
            if (environment.IsDevelopment() && string.IsNullOrEmpty(o.CursorKey)) o.CursorKey = SyncOptions.DevelopmentCursorKey;
        });
        services.AddValidatedOptions<ConversationOptions, ConversationOptionsValidator>(configuration, ConversationOptions.Section);
        services.AddValidatedOptions<FanoutOptions, FanoutOptionsValidator>(configuration, FanoutOptions.Section);
        services.AddValidatedOptions<ReceiptOptions, ReceiptOptionsValidator>(configuration, ReceiptOptions.Section);
        services.AddValidatedOptions<RetentionOptions, RetentionOptionsValidator>(configuration, RetentionOptions.Section);
        services.AddValidatedOptions<SeqlineStorage, StorageValidator>(configuration, SeqlineStorage.Section);
        services.AddValidatedOptions<ClusterSettings, ClusterSettingsValidator>(configuration, ClusterSettings.Section);
        return services;
    }

    /// <summary>
    /// Declares every setting a silo reads (<see cref="UnknownSettings"/>) on a host that runs none,
    /// the edge-only node, so that a configuration shared by both roles raises no warning there. The
    /// declarations come from the silo's own registrations, so the two cannot drift apart.
    /// </summary>
    public static IServiceCollection DeclareSiloSettings(this IServiceCollection services)
    {
        var none = new ConfigurationBuilder().Build();
        var silo = new ServiceCollection().AddSeqlineOptionsValidation(none).AddOfflinePush(none);
        foreach (var declared in silo.Select(d => d.ImplementationInstance).OfType<SettingsSection>()) services.DeclareSettings(declared);
        return services;
    }

    /// <summary>
    /// <c>Seqline:Storage</c> for the set-up's one choice made before the container exists (which
    /// provider to wire), read and checked as <see cref="IOptions{SeqlineStorage}"/> will be.
    /// </summary>
    public static SeqlineStorage ReadStorage(IConfiguration configuration) =>
        configuration.ReadValidated(SeqlineStorage.Section, new StorageValidator());

    /// <summary>
    /// <c>Seqline:Fanout</c> for the set-up's choice of stream provider (its name and what carries
    /// it), read and checked as <see cref="IOptions{FanoutOptions}"/> will be.
    /// </summary>
    public static FanoutOptions ReadFanout(IConfiguration configuration) =>
        configuration.ReadValidated(FanoutOptions.Section, new FanoutOptionsValidator(Options.Create(ReadStorage(configuration))));
}

internal sealed class SyncOptionsValidator(IHostEnvironment environment) : IValidateOptions<SyncOptions>
{
    private const string S = SyncOptions.Section;

    public ValidateOptionsResult Validate(string? name, SyncOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (string.IsNullOrEmpty(o.CursorKey))
            result.AddError($"{S}:CursorKey is not set: outside Development each node needs a secret to sign sync cursors, the same on every node.");
        else if (!environment.IsDevelopment() && (o.CursorKey == SyncOptions.DevelopmentCursorKey || o.PreviousCursorKey == SyncOptions.DevelopmentCursorKey))
            result.AddError($"{S}:CursorKey is the development key, which is published: set a secret of your own.");
        if (o.CheckpointEvents < 1) result.AddError($"{S}:CheckpointEvents must be at least 1; it is {o.CheckpointEvents}.");
        if (o.CheckpointInterval <= TimeSpan.Zero) result.AddError($"{S}:CheckpointInterval must be positive; it is {o.CheckpointInterval}.");
        if (o.Generation < 0) result.AddError($"{S}:Generation must not be negative; it is {o.Generation}.");
        return result.Build();
    }
}

internal sealed class ConversationOptionsValidator : IValidateOptions<ConversationOptions>
{
    private const string S = ConversationOptions.Section;

    public ValidateOptionsResult Validate(string? name, ConversationOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (o.DedupeWindow < 1) result.AddError($"{S}:DedupeWindow must be at least 1; it is {o.DedupeWindow}.");
        if (o.MaxCommitBatch < 1) result.AddError($"{S}:MaxCommitBatch must be at least 1; it is {o.MaxCommitBatch}.");
        if (o.FanoutBatch < 1) result.AddError($"{S}:FanoutBatch must be at least 1; it is {o.FanoutBatch}.");
        if (o.FanoutRecoveryPeriod <= TimeSpan.Zero) result.AddError($"{S}:FanoutRecoveryPeriod must be positive; it is {o.FanoutRecoveryPeriod}.");
        if (o.RecallWindow < TimeSpan.Zero) result.AddError($"{S}:RecallWindow must not be negative; it is {o.RecallWindow}.");
        if (o.MaxContentBytes is < 2 or > 65536) result.AddError($"{S}:MaxContentBytes must be between 2 and 65536; it is {o.MaxContentBytes}.");
        if (o.EditWindow < TimeSpan.Zero) result.AddError($"{S}:EditWindow must not be negative; it is {o.EditWindow}.");
        return result.Build();
    }
}

internal sealed class FanoutOptionsValidator(IOptions<SeqlineStorage> storage) : IValidateOptions<FanoutOptions>
{
    private const string S = FanoutOptions.Section;

    public ValidateOptionsResult Validate(string? name, FanoutOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        // 0 and -1 are meaningful: every conversation in read fan-out, and none ever switching back.
        // With the thresholds the wrong way round a group between them would switch at every change.
        if (o.WriteFanoutAtOrBelow >= o.ReadFanoutAbove) result.AddError($"{S}:WriteFanoutAtOrBelow must be below {S}:ReadFanoutAbove.");
        if (string.IsNullOrWhiteSpace(o.StreamProvider)) result.AddError($"{S}:StreamProvider must not be empty.");
        if (o.StreamPollInterval is { } poll && poll <= TimeSpan.Zero) result.AddError($"{S}:StreamPollInterval must be positive; it is {poll}.");
        if (o.StreamQueues == StreamQueues.AzureQueues)
        {
            if (o.AzureQueues.QueueCount < 1) result.AddError($"{S}:AzureQueues:QueueCount must be at least 1; it is {o.AzureQueues.QueueCount}.");
            // Without an endpoint of their own the queues take the tables' connection string (a table URI says nothing of the queues').
            var tables = storage.Value.AzureTables.ConnectionString;
            AzureEndpointChecks.Check(result, $"{S}:AzureQueues", o.AzureQueues.ConnectionString, o.AzureQueues.ServiceUri, required: string.IsNullOrEmpty(tables));
        }
        return result.Build();
    }
}

internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    private const string S = RetentionOptions.Section;

    public ValidateOptionsResult Validate(string? name, RetentionOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (o.SyncTimeline <= TimeSpan.Zero) result.AddError($"{S}:SyncTimeline must be positive; it is {o.SyncTimeline}.");
        if (o.StorageTimeline is { } kept && kept <= TimeSpan.Zero) result.AddError($"{S}:StorageTimeline must be positive when set; it is {kept}.");
        if (o.TrimBatchRows < 1) result.AddError($"{S}:TrimBatchRows must be at least 1; it is {o.TrimBatchRows}.");
        if (o.TrimInterval <= TimeSpan.Zero) result.AddError($"{S}:TrimInterval must be positive; it is {o.TrimInterval}.");
        return result.Build();
    }
}

internal sealed class StorageValidator : IValidateOptions<SeqlineStorage>
{
    private const string S = SeqlineStorage.Section;

    public ValidateOptionsResult Validate(string? name, SeqlineStorage o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (!Enum.IsDefined(o.Provider)) result.AddError($"{S}:Provider must be one of {string.Join(", ", Enum.GetNames<StorageProvider>())}.");
        if (o.Provider == StorageProvider.Sqlite)
        {
            if (string.IsNullOrWhiteSpace(o.Sqlite.DataDirectory)) result.AddError($"{S}:Sqlite:DataDirectory must not be empty.");
            if (string.IsNullOrWhiteSpace(o.Sqlite.FileName)) result.AddError($"{S}:Sqlite:FileName must not be empty.");
            if (o.Sqlite.MaxWritesPerCommit < 1) result.AddError($"{S}:Sqlite:MaxWritesPerCommit must be at least 1; it is {o.Sqlite.MaxWritesPerCommit}.");
            if (o.Sqlite.WalAutoCheckpointPages < 1) result.AddError($"{S}:Sqlite:WalAutoCheckpointPages must be at least 1; it is {o.Sqlite.WalAutoCheckpointPages}.");
            if (o.Sqlite.WriterCacheMiB < 1) result.AddError($"{S}:Sqlite:WriterCacheMiB must be at least 1; it is {o.Sqlite.WriterCacheMiB}.");
        }
        if (o.Provider == StorageProvider.Postgres && new PostgresOptionsValidator().Validate(name, o.Postgres) is { Failed: true } postgres)
            foreach (var failure in postgres.Failures) result.AddError(failure);
        if (o.Provider == StorageProvider.AzureTables)
            AzureEndpointChecks.Check(result, $"{S}:AzureTables", o.AzureTables.ConnectionString, o.AzureTables.ServiceUri, required: true);
        if (!o.AzureTables.TablePrefix.All(char.IsAsciiLetterOrDigit) || o.AzureTables.TablePrefix.Length is 0 or > 40 || !char.IsAsciiLetter(o.AzureTables.TablePrefix[0]))
            result.AddError($"{S}:AzureTables:TablePrefix must be 1-40 letters and digits, starting with a letter; it is '{o.AzureTables.TablePrefix}'.");
        return result.Build();
    }
}

/// <summary>An Azure Storage service named once: by a connection string or by an https service URI.</summary>
internal static class AzureEndpointChecks
{
    public static void Check(ValidateOptionsResultBuilder result, string section, string? connectionString, Uri? serviceUri, bool required)
    {
        var hasConnectionString = !string.IsNullOrEmpty(connectionString);
        if (hasConnectionString && serviceUri is not null)
            result.AddError($"{section}:ConnectionString and {section}:ServiceUri are both set; set one.");
        else if (!hasConnectionString && serviceUri is null && required)
            result.AddError($"{section}:ServiceUri (signed in to with DefaultAzureCredential) or {section}:ConnectionString is not set.");
        if (serviceUri is not null && (!serviceUri.IsAbsoluteUri || serviceUri.Scheme != Uri.UriSchemeHttps))
            result.AddError($"{section}:ServiceUri must be an https URL (tokens are never sent in the clear); it is '{serviceUri}'.");
    }
}
