using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Seqline.Api.Errors;

namespace Seqline.Api.Hubs;

/// <summary>
/// Gives hub callers the error code of every failure, as <c>code: detail</c>: a refusal's own, and
/// <c>server_error</c> for anything else, whose details stay in the log. The hub runs with detailed
/// errors (for <see cref="ArgumentCheckingProtocol"/>), so no exception may leave a hub method or
/// the connect handler unconverted.
/// </summary>
internal sealed partial class HubErrorFilter(ILogger<HubErrorFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception error) when (error is not HubException)
        {
            throw Coded(error, invocationContext.HubMethodName);
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (Exception error) when (error is not HubException)
        {
            throw Coded(error, "connect");
        }
    }

    private HubException Coded(Exception error, string call)
    {
        if (SeqlineProblems.RefusalOf(error) is { } refusal) return new HubException($"{refusal.CodeName}: {refusal.Message}");
        LogFailed(error, call);
        return new HubException("server_error: The server failed to carry out the call.");
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Hub call {Call} failed")]
    private partial void LogFailed(Exception error, string call);
}
