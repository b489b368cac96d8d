using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Seqline.Api.Hosting;

/// <summary>Where the browser client's built files are (configuration section <c>Seqline:Web</c>).</summary>
public sealed class WebClientOptions
{
    public const string Section = "Seqline:Web";

    /// <summary>The folder name the build copies the client to, next to the app.</summary>
    public const string BuiltFolder = "webclient";

    /// <summary>Whether the node serves the web client at <c>/</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The folder holding the built client (its <c>index.html</c>), absolute or relative to the
    /// content root. Unset: <c>web/dist</c> of the source checkout the content root is in, else
    /// <c>webclient/</c> next to the app (where the build copies it).
    /// </summary>
    public string? Root { get; set; }
}

/// <summary>
/// Serves the browser chat client (web/, built by the Silo project) at <c>/</c>: its files, and
/// <c>index.html</c> for any other path the client routes itself (such as <c>/c/{id}</c>). The
/// edge's own paths (<c>/api</c>, <c>/hubs</c>, <c>/health</c>, <c>/metrics</c>, <c>/dashboard</c>,
/// <c>/openapi</c>, <c>/scalar</c>) are never answered with the client, also when those are off.
/// </summary>
public static class WebClientExtensions
{
    private static readonly PathString[] EdgePaths = ["/api", "/hubs", "/health", "/metrics", "/dashboard", "/openapi", "/scalar"];

    public static WebApplication UseSeqlineWebClient(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<WebClientOptions>>().Value;
        if (!options.Enabled) return app;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WebClientExtensions).FullName!);
        var root = FindRoot(options.Root, app.Environment.ContentRootPath, AppContext.BaseDirectory);
        if (root is null)
        {
            logger.LogWarning(
                "No built web client found (no web/dist in a checkout around {ContentRoot}, no {Folder}/index.html next to the app); " +
                "the node serves the API only. Build it with `npm ci && npm run build` in web/, or set Seqline:Web:Root.",
                app.Environment.ContentRootPath, WebClientOptions.BuiltFolder);
            return app;
        }
        logger.LogInformation("Serving the web client from {Root}", root);

        var files = new PhysicalFileProvider(root);
        app.Use((context, next) =>
        {
            if (IsClientRoute(context)) context.Request.Path = "/index.html";
            return next(context);
        });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = file =>
            {
                // Vite names assets by content hash: they never change. index.html must be revalidated.
                file.Context.Response.Headers[HeaderNames.CacheControl] =
                    file.Context.Request.Path.StartsWithSegments("/assets") ? "public, max-age=31536000, immutable" : "no-cache";
                file.Context.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
            },
        });
        return app;
    }

    /// <summary>
    /// The configured folder (which must hold index.html), or the first of the defaults that does;
    /// <c>null</c> when no default does.
    /// </summary>
    internal static string? FindRoot(string? configured, string contentRoot, string appBase)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var path = Path.GetFullPath(configured, contentRoot);
            return File.Exists(Path.Combine(path, "index.html"))
                ? path
                : throw new InvalidOperationException($"{WebClientOptions.Section}:Root is '{path}', which holds no index.html. Build the web client (web/) or fix the setting.");
        }

        // A source checkout first (web/dist, which `npm run build` refreshes while the node runs),
        // recognised by web/WebClient.targets beside it; then the copy the build put next to the app.
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var web = Path.Combine(dir.FullName, "web");
            if (File.Exists(Path.Combine(web, "WebClient.targets")) && File.Exists(Path.Combine(web, "dist", "index.html")))
                return Path.Combine(web, "dist");
        }
        var next = Path.Combine(appBase, WebClientOptions.BuiltFolder);
        if (File.Exists(Path.Combine(next, "index.html"))) return next;
        return null;
    }

    /// <summary>
    /// A GET for a path the client routes itself: not an endpoint, not one of the edge's paths, and
    /// no file extension (a missing /assets/x.js stays a 404).
    /// </summary>
    private static bool IsClientRoute(HttpContext context)
    {
        var request = context.Request;
        if (context.GetEndpoint() is not null) return false;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return false;
        var path = request.Path;
        if (EdgePaths.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))) return false;
        var last = path.Value?[(path.Value.LastIndexOf('/') + 1)..] ?? "";
        return !last.Contains('.');
    }
}
