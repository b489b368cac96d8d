using Microsoft.Extensions.Options;

namespace Seqline.Push;

/// <summary>Start-up checks of <c>Seqline:Push</c>, for silos and edge nodes alike.</summary>
public sealed class PushOptionsValidator : IValidateOptions<PushOptions>
{
    private const string S = PushOptions.Section;

    public ValidateOptionsResult Validate(string? name, PushOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (o.RenewPeriod <= TimeSpan.Zero) result.AddError($"{S}:RenewPeriod must be positive; it is {o.RenewPeriod}.");
        if (o.ObserverExpiry <= TimeSpan.Zero) result.AddError($"{S}:ObserverExpiry must be positive; it is {o.ObserverExpiry}.");
        if (o.ReorderWait < TimeSpan.Zero) result.AddError($"{S}:ReorderWait must not be negative; it is {o.ReorderWait}.");
        if (o.AcknowledgementInterval <= TimeSpan.Zero) result.AddError($"{S}:AcknowledgementInterval must be positive; it is {o.AcknowledgementInterval}.");
        if (o.AcknowledgementBusyInterval < o.AcknowledgementInterval)
            result.AddError($"{S}:AcknowledgementBusyInterval must be at least AcknowledgementInterval ({o.AcknowledgementInterval}); it is {o.AcknowledgementBusyInterval}.");
        if (o.MaxQueuedPerUser < 1) result.AddError($"{S}:MaxQueuedPerUser must be at least 1; it is {o.MaxQueuedPerUser}.");
        return result.Build();
    }
}
