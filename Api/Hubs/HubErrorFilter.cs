using Microsoft.AspNetCore.SignalR;

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
        catch (SeqlineException refusal)
        {
            throw new HubException($"{refusal.CodeName}: {refusal.Message}");
        }
        catch (Exception busy) when (busy is TimeoutException or Orleans.Runtime.OrleansException)
        {
            // As over HTTP (503): the cluster is busy or restarting, and the call is worth retrying.
            throw new HubException("unavailable: The cluster is busy or restarting; retry.");
        }
    }
}
