using Microsoft.AspNetCore.SignalR;
using Seqline.Api.Errors;

namespace Seqline.Api.Hubs;

/// <summary>Gives hub callers the error code of a refusal, as <c>code: detail</c>.</summary>
internal sealed class HubErrorFilter : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception error) when (SeqlineProblems.RefusalOf(error) is { } refusal)
        {
            throw new HubException($"{refusal.CodeName}: {refusal.Message}");
        }
    }
}
