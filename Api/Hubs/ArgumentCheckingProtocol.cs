using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Seqline.Api.Hubs;

/// <summary>
/// SignalR's JSON hub protocol, except that a call whose arguments do not fit the method (too few,
/// too many, of the wrong type, or a method the hub does not have) fails with an <c>invalid:</c>
/// code like any other bad input. SignalR binds arguments before any hub filter runs and answers
/// such calls with a sentence of its own; this swaps the cause it reports for a coded one, which the
/// hub's detailed errors then pass on (<see cref="HubErrorFilter"/> keeps every other error coded
/// and free of internals).
/// </summary>
internal sealed class ArgumentCheckingProtocol(JsonHubProtocol json) : IHubProtocol
{
    public string Name => json.Name;

    public int Version => json.Version;

    public TransferFormat TransferFormat => json.TransferFormat;

    public bool IsVersionSupported(int version) => json.IsVersionSupported(version);

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        if (!json.TryParseMessage(ref input, binder, out message)) return false;
        if (message is InvocationBindingFailureMessage failure)
        {
            var invalid = new HubException($"invalid: The arguments do not fit {failure.Target}: {failure.BindingFailure.SourceException.Message}");
            message = new InvocationBindingFailureMessage(failure.InvocationId, failure.Target, ExceptionDispatchInfo.Capture(invalid));
        }
        return true;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => json.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => json.GetMessageBytes(message);
}

internal static class ArgumentCheckingProtocolExtensions
{
    /// <summary>Serves the JSON protocol through <see cref="ArgumentCheckingProtocol"/>, with detailed errors on <typeparamref name="THub"/>.</summary>
    public static ISignalRServerBuilder AddArgumentChecking<THub>(this ISignalRServerBuilder signalR) where THub : Hub
    {
        foreach (var json in signalR.Services.Where(d => d.ServiceType == typeof(IHubProtocol) && d.ImplementationType == typeof(JsonHubProtocol)).ToList())
            signalR.Services.Remove(json);
        signalR.Services.AddSingleton<IHubProtocol>(sp => new ArgumentCheckingProtocol(new JsonHubProtocol(sp.GetRequiredService<IOptions<JsonHubProtocolOptions>>())));
        // Detailed errors carry the coded cause of a binding failure; the filter gives every other error its code and no internals.
        signalR.AddHubOptions<THub>(o => o.EnableDetailedErrors = true);
        return signalR;
    }
}
