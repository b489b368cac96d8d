using Microsoft.Extensions.Options;

namespace Seqline;

/// <summary>Start-up checks of <c>Seqline:Limits</c>, for silos and edge nodes alike.</summary>
public sealed class SeqlineLimitsValidator : IValidateOptions<SeqlineLimits>
{
    private const string S = SeqlineLimits.Section;

    public ValidateOptionsResult Validate(string? name, SeqlineLimits o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (o.MaxBodyBytes < 1) result.AddError($"{S}:MaxBodyBytes must be at least 1; it is {o.MaxBodyBytes}.");
        if (o.MaxMembers < 2) result.AddError($"{S}:MaxMembers must be at least 2; it is {o.MaxMembers}.");
        if (o.MaxPageSize < 1) result.AddError($"{S}:MaxPageSize must be at least 1; it is {o.MaxPageSize}.");
        if (o.DefaultPageSize < 1 || o.DefaultPageSize > o.MaxPageSize)
            result.AddError($"{S}:DefaultPageSize must be between 1 and {S}:MaxPageSize ({o.MaxPageSize}); it is {o.DefaultPageSize}.");
        if (o.MaxTitleLength < 0) result.AddError($"{S}:MaxTitleLength must not be negative; it is {o.MaxTitleLength}.");
        if (o.MaxAdmins < 1) result.AddError($"{S}:MaxAdmins must be at least 1; it is {o.MaxAdmins}.");
        if (o.MaxReactionKinds < 1) result.AddError($"{S}:MaxReactionKinds must be at least 1; it is {o.MaxReactionKinds}.");
        if (o.MaxReactionsPerUser < 1 || o.MaxReactionsPerUser > o.MaxReactionKinds)
            result.AddError($"{S}:MaxReactionsPerUser must be between 1 and {S}:MaxReactionKinds ({o.MaxReactionKinds}); it is {o.MaxReactionsPerUser}.");
        if (o.MaxReactionsPerMessage < o.MaxReactionsPerUser)
            result.AddError($"{S}:MaxReactionsPerMessage must be at least {S}:MaxReactionsPerUser ({o.MaxReactionsPerUser}); it is {o.MaxReactionsPerMessage}.");
        return result.Build();
    }
}
