using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Seqline.Api.Auth;
using Seqline.Api.Endpoints;
using Seqline.Api.Errors;
using Seqline.Api.Hubs;
using Seqline.Api.Operations;
using Seqline.Api.Presence;
using Seqline.Api.Push;
using Seqline.Push;

namespace Seqline.Api.Hosting;

/// <summary>The edge: HTTP API, SignalR hub, authentication and push, on any host that has an <see cref="IGrainFactory"/>.</summary>
public static class SeqlineEdgeExtensions
{
    /// <summary>Request bodies are JSON around a message of at most <see cref="SeqlineLimits.MaxBodyBytes"/>.</summary>
    private const int RequestBodyHeadroom = 8;

    /// <summary>The CORS policy of <see cref="CrossOriginOptions"/>.</summary>
    private const string CrossOriginPolicy = "seqline-origins";

    public static WebApplicationBuilder AddSeqlineEdge(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddEdgeOptionsValidation(configuration);
        builder.AddSeqlineAuthentication();
        builder.AddSeqlineOperations();
        builder.AddSeqlineApiDescription();

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<CrossOriginOptions>>((cors, origins) => cors.AddPolicy(CrossOriginPolicy, policy => policy
            .WithOrigins(origins.Value.AllowedOrigins)
            .AllowAnyHeader()
            .AllowAnyMethod()
            .AllowCredentials()
            .WithExposedHeaders("Retry-After", ReceiptCalls.SkippedHeader)
            .SetPreflightMaxAge(origins.Value.PreflightMaxAge)));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = SeqlineProblems.AddCode);
        services.AddExceptionHandler<SeqlineProblems>();
        services.ConfigureHttpJsonOptions(o => UseProtocolJson(o.SerializerOptions));
        services.AddSignalR(o => o.AddFilter<HubErrorFilter>())
            .AddJsonProtocol(o => UseProtocolJson(o.PayloadSerializerOptions))
            .AddArgumentChecking<SyncHub>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SendRateLimiter>();
        services.AddSingleton<PushBridge>();
        services.AddSingleton<TypingRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<PushBridge>());
        services.AddSingleton(sp =>
        {
            var push = sp.GetRequiredService<IOptions<PushOptions>>().Value;
            return new AcknowledgementBook(push.AcknowledgementInterval, push.AcknowledgementBusyInterval, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<AcknowledgementRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<AcknowledgementRelay>());
        // Both limits follow Seqline:Limits as the node starts, not as it is built.
        services.AddOptions<HubOptions>().Configure<IOptions<SeqlineLimits>>((o, limits) => o.MaximumReceiveMessageSize = MaxRequestBytes(limits.Value));
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<SeqlineLimits>>((o, limits) => o.Limits.MaxRequestBodySize = MaxRequestBytes(limits.Value));
        return builder;
    }

    public static WebApplication MapSeqlineEdge(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Before authentication: a browser's preflight carries no token.
        if (app.Services.GetRequiredService<IOptions<CrossOriginOptions>>().Value.AllowedOrigins.Length > 0) app.UseCors(CrossOriginPolicy);
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapConversationEndpoints();
        app.MapMessageEndpoints();
        app.MapInboxEndpoints();
        app.MapMuteEndpoint();
        app.MapSyncEndpoints();
        app.MapPresenceEndpoints();
        app.MapReceiptEndpoints();
        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokens == true) app.MapDevTokenEndpoint();
        app.MapHub<SyncHub>("/hubs/sync");
        app.MapSeqlineOperations();
        app.MapSeqlineApiDescription();
        app.UseSeqlineWebClient();
        return app;
    }

    private static long MaxRequestBytes(SeqlineLimits limits) => (long)limits.MaxBodyBytes * RequestBodyHeadroom;

    // camelCase (the web default), enums as camelCase strings, and absent fields left out.
    private static void UseProtocolJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }
}
