using Microsoft.Extensions.Options;

namespace Seqline.Api.Presence;

/// <summary>Typing indicators (configuration section <c>Seqline:Presence</c>).</summary>
public sealed class PresenceOptions
{
    public const string Section = "Seqline:Presence";

    /// <summary>
    /// A connection forwards at most one typing notice per conversation this often; calls in between
    /// are dropped (the hub answers false). Clients repeat one every few seconds while the user types.
    /// </summary>
    public TimeSpan TypingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long devices show a typing indicator unless another notice arrives; longer than <see cref="TypingInterval"/>.</summary>
    public TimeSpan TypingExpiry { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Typing is forwarded in conversations of up to this many members (and never in read fan-out):
    /// each notice costs one call per member, and in large groups a typing line says nothing anyway.
    /// </summary>
    public int TypingMaxMembers { get; set; } = 100;
}

internal sealed class PresenceOptionsValidator : IValidateOptions<PresenceOptions>
{
    private const string S = PresenceOptions.Section;

    public ValidateOptionsResult Validate(string? name, PresenceOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (o.TypingInterval <= TimeSpan.Zero) result.AddError($"{S}:TypingInterval must be positive; it is {o.TypingInterval}.");
        if (o.TypingExpiry <= o.TypingInterval) result.AddError($"{S}:TypingExpiry must be longer than TypingInterval; it is {o.TypingExpiry}.");
        if (o.TypingMaxMembers < 2) result.AddError($"{S}:TypingMaxMembers must be at least 2; it is {o.TypingMaxMembers}.");
        return result.Build();
    }
}
