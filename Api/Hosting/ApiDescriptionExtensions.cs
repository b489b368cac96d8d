using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Seqline.Api.Hosting;

/// <summary>The machine-readable API description (configuration section <c>Seqline:ApiDescription</c>).</summary>
public sealed class ApiDescriptionOptions
{
    public const string Section = "Seqline:ApiDescription";

    /// <summary>The name of the OpenAPI document, served at <c>/openapi/{name}.json</c>.</summary>
    public const string DocumentName = "v1";

    /// <summary>Whether the node serves the OpenAPI document at <c>/openapi/v1.json</c>.</summary>
    public bool Document { get; set; } = true;

    /// <summary>Whether the node serves the Scalar API reference at <c>/scalar</c>. Unset: in Development only.</summary>
    public bool? Reference { get; set; }
}

/// <summary>
/// The HTTP API described by <c>Microsoft.AspNetCore.OpenApi</c> from the endpoints' typed results
/// and problem metadata, and shown by <c>Scalar.AspNetCore</c>. The hub and its events are
/// described in docs/api.md: OpenAPI has no words for them.
/// </summary>
public static class ApiDescriptionExtensions
{
    private const string BearerScheme = "Bearer";

    public static WebApplicationBuilder AddSeqlineApiDescription(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(ApiDescriptionOptions.DocumentName, o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Seqline";
                document.Info.Description = "Message sync and storage for instant messaging. The SignalR hub (/hubs/sync) and the sync event types are described in docs/api.md.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A JWT whose sub claim is the user id.",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
                    operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer((schema, context, _) =>
            {
                // Every problem the edge answers with carries the protocol's error code.
                if (context.JsonTypeInfo.Type == typeof(ProblemDetails))
                {
                    schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
                    schema.Properties["code"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = "The error code: invalid, unauthorized, forbidden, not_found, method_not_allowed, conflict, too_large, unsupported_media_type, rate_limited, unavailable, server_error.",
                    };
                }
                // A message's typed content is a JSON object of its type's shape, whatever C# holds it as.
                if (context.JsonPropertyInfo is { Name: "content" } && context.JsonPropertyInfo.DeclaringType.Namespace?.StartsWith("Seqline", StringComparison.Ordinal) == true)
                {
                    schema.Type = JsonSchemaType.Object;
                    schema.Description = "Typed content, for a contentType other than text: for image and file { url, size, mediaType, name?, width?, height? }; for an x- type any object.";
                }
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication MapSeqlineApiDescription(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ApiDescriptionOptions>>().Value;
        if (!options.Document) return app;
        app.MapOpenApi();
        if (options.Reference ?? app.Environment.IsDevelopment())
        {
            app.MapScalarApiReference(o => o
                .WithTitle("Seqline API")
                .AddPreferredSecuritySchemes(BearerScheme));
        }
        return app;
    }
}
