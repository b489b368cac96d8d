using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Edge;

/// <summary>
/// The OpenAPI document describes the HTTP API the node really maps: every endpoint, its request
/// body, its answers with their schemas, and the problems it may answer with. The Scalar reference
/// is served where it is meant to be.
/// </summary>
[Collection(SeqlineNodeCollection.Name)]
public sealed class ApiDescriptionTests(SeqlineNodeFixture node)
{
    [Fact]
    public async Task Every_mapped_endpoint_is_in_the_document_with_its_body_answers_and_problems()
    {
        using var http = node.Server.Http();
        var response = await http.GetAsync("openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");

        // Route handlers (MapGet, MapPost, …): the hub, static files and the document itself are other kinds of endpoint.
        var endpoints = node.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>() is not null && e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .ToList();
        Assert.Contains(endpoints, e => OpenApiPath(e.RoutePattern.RawText!) == "/api/conversations/{id}/messages/{seq}/recall");
        Assert.Contains(endpoints, e => OpenApiPath(e.RoutePattern.RawText!) == "/api/dev/token");

        foreach (var endpoint in endpoints)
        {
            var path = OpenApiPath(endpoint.RoutePattern.RawText!);
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods)
            {
                var what = $"{method} {path}";
                var operation = default(JsonElement);
                Assert.True(paths.TryGetProperty(path, out var item) && item.TryGetProperty(method.ToLowerInvariant(), out operation), $"{what} is not in the document");
                var responses = operation.GetProperty("responses");
                foreach (var produced in endpoint.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>())
                {
                    Assert.True(responses.TryGetProperty(produced.StatusCode.ToString(), out var answer), $"{what} does not document {produced.StatusCode}");
                    if (produced.Type is null || produced.Type == typeof(void)) continue;
                    var mediaType = produced.ContentTypes.FirstOrDefault() ?? (produced.StatusCode >= 400 ? "application/problem+json" : "application/json");
                    var schema = answer.GetProperty("content").GetProperty(mediaType).GetProperty("schema");
                    AssertDescribed(schema, schemas, $"{what} {produced.StatusCode}");
                }
                if (endpoint.Metadata.GetMetadata<IAcceptsMetadata>() is { RequestType: not null })
                {
                    var body = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
                    AssertDescribed(body, schemas, $"{what} request body");
                }
                var authorized = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() is not null;
                Assert.Equal(authorized, operation.TryGetProperty("security", out _));
                if (authorized) Assert.True(responses.TryGetProperty("401", out _), $"{what} does not document 401");
            }
        }

        // What the API answers with and refuses with is described, not just named.
        var send = paths.GetProperty("/api/conversations/{id}/messages").GetProperty("post").GetProperty("responses");
        Assert.Equal(["200", "201", "400", "401", "404", "413", "429", "503"], send.EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.Contains("seq", schemas.GetProperty("SendReceipt").GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Contains("code", schemas.GetProperty("ProblemDetails").GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["write", "read"], schemas.GetProperty("FanoutMode").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.True(document.RootElement.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
    }

    [Theory]
    [InlineData("Development", null, HttpStatusCode.OK)]
    [InlineData("Production", null, HttpStatusCode.NotFound)]
    [InlineData("Production", "true", HttpStatusCode.OK)]
    [InlineData("Development", "false", HttpStatusCode.NotFound)]
    public async Task The_reference_is_served_in_development_or_when_enabled(string environment, string? enabled, HttpStatusCode expected)
    {
        using var data = new TempDirectory();
        await using var server = await SeqlineServer.StartNode(data.Path, settings: new Dictionary<string, string?>
        {
            ["environment"] = environment,
            ["Seqline:ApiDescription:Reference"] = enabled,
        });
        using var http = server.Http();

        var reference = await http.GetAsync("scalar");
        Assert.Equal(expected, reference.StatusCode);
        if (expected == HttpStatusCode.OK) Assert.Contains("Seqline API", await reference.Content.ReadAsStringAsync());
        // The document itself is served everywhere unless turned off.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task The_document_can_be_turned_off()
    {
        using var data = new TempDirectory();
        await using var server = await SeqlineServer.StartNode(data.Path, settings: new Dictionary<string, string?>
        {
            ["environment"] = "Development",
            ["Seqline:ApiDescription:Document"] = "false",
        });
        using var http = server.Http();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("openapi/v1.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("scalar")).StatusCode);
    }

    // Route constraints ({seq:long}) and the slash a group leaves at the end are not part of an OpenAPI path.
    private static string OpenApiPath(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route, @"\{([^}:?]+)[^}]*\}", "{$1}").TrimEnd('/');

    // A schema either refers to a component that exists or describes its type inline.
    private static void AssertDescribed(JsonElement schema, JsonElement schemas, string what)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            Assert.True(schemas.TryGetProperty(name, out _), $"{what}: {name} is not among the schemas");
            return;
        }
        Assert.True(schema.TryGetProperty("type", out _), $"{what} has no schema: {schema}");
        if (schema.TryGetProperty("items", out var items)) AssertDescribed(items, schemas, what);
    }
}
