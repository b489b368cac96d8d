using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
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
using Seqline.Api.Push;
using Seqline.Push;

namespace Seqline.Api.Hosting;

/// <summary>The edge: HTTP API, SignalR hub, authentication and push, on any host that has an <see cref="IGrainFactory"/>.</summary>
public static class SeqlineEdgeExtensions
{
    /// <summary>Request bodies are JSON around a message of at most <see cref="SeqlineLimits.MaxBodyBytes"/>.</summary>
    private const int RequestBodyHeadroom = 8;

    public static WebApplicationBuilder AddSeqlineEdge(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.Configure<SeqlineLimits>(configuration.GetSection(SeqlineLimits.Section));
        services.Configure<PushOptions>(configuration.GetSection(PushOptions.Section));
        services.Configure<RateLimitOptions>(configuration.GetSection(RateLimitOptions.Section));
        services.AddEdgeOptionsValidation();
        builder.AddSeqlineAuthentication();
        builder.AddSeqlineOperations();
        builder.AddSeqlineApiDescription();

        services.AddProblemDetails(o => o.CustomizeProblemDetails = SeqlineProblems.AddCode);
        services.AddExceptionHandler<SeqlineProblems>();
        services.ConfigureHttpJsonOptions(o => UseProtocolJson(o.SerializerOptions));
        services.AddSignalR(o =>
            {
                o.MaximumReceiveMessageSize = MaxRequestBytes(configuration);
                o.AddFilter<HubErrorFilter>();
            })
            .AddJsonProtocol(o => UseProtocolJson(o.PayloadSerializerOptions))
            .AddArgumentChecking<SyncHub>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SendRateLimiter>();
        services.AddSingleton<PushBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<PushBridge>());
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = MaxRequestBytes(configuration));
        return builder;
    }

    public static WebApplication MapSeqlineEdge(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapConversationEndpoints();
        app.MapMessageEndpoints();
        app.MapInboxEndpoints();
        app.MapSyncEndpoints();
        if (AuthOptions.DevTokensOn(app.Configuration, app.Environment)) app.MapDevTokenEndpoint();
        app.MapHub<SyncHub>("/hubs/sync");
        app.MapSeqlineOperations();
        app.MapSeqlineApiDescription();
        app.UseSeqlineWebClient();
        return app;
    }

    private static long MaxRequestBytes(IConfiguration configuration) =>
        (long)(configuration.GetSection(SeqlineLimits.Section).Get<SeqlineLimits>() ?? new()).MaxBodyBytes * RequestBodyHeadroom;

    // camelCase (the web default), enums as camelCase strings, and absent fields left out.
    private static void UseProtocolJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        json.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }
}
