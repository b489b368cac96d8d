using System.Diagnostics;
using System.Text.RegularExpressions;
using Seqline.Hosting;
using Seqline.Tests.Fixtures;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Seqline.Tests.Deploy;

/// <summary>
/// The Kubernetes manifests (deploy/kubernetes), rendered offline by <c>kubectl kustomize</c> for
/// every overlay, checked against what the node serves and needs: probe paths and ports, the
/// cluster's ports and ids, the API access Orleans' Kubernetes hosting uses, and every setting a
/// node outside Development cannot start without.
/// </summary>
public sealed class KubernetesManifestTests
{
    /// <summary>
    /// The health endpoints the probes call: the paths the node maps them at (ASP.NET Core health
    /// checks: live = the process answers, ready = silo or cluster client up and the store answers a read).
    /// </summary>
    public static class ProbePaths
    {
        public const string Live = Seqline.Api.Operations.HealthExtensions.LivePath;
        public const string Ready = Seqline.Api.Operations.HealthExtensions.ReadyPath;
    }

    /// <summary>
    /// What KubernetesClusterAgent (Microsoft.Orleans.Hosting.Kubernetes) calls: ReadNamespacedPod
    /// and PatchNamespacedPod (its own labels), ListNamespacedPod and WatchListNamespacedPod (the
    /// cluster's pods). DeleteNamespacedPod only with DeleteDefunctSiloPods, which Seqline leaves off.
    /// </summary>
    private static readonly string[] KubernetesHostingVerbs = ["get", "list", "watch", "patch"];

    /// <summary>Settings without a usable default outside Development, by store, as environment variables.</summary>
    private static readonly string[] RequiredEverywhere = ["Seqline__Auth__SigningKey", "Seqline__Sync__CursorKey", "Seqline__Telemetry__ScrapeToken"];

    private static readonly Dictionary<string, string> RequiredByStore = new()
    {
        [nameof(StorageProvider.Postgres)] = "Seqline__Storage__Postgres__ConnectionString",
        [nameof(StorageProvider.AzureTables)] = "Seqline__Storage__AzureTables__ConnectionString",
    };

    /// <summary>Settings that are secrets: they must come from a Secret, never sit in a ConfigMap.</summary>
    private static readonly string[] Secrets = [.. RequiredEverywhere, .. RequiredByStore.Values];

    private static IEnumerable<string> OverlayNames() =>
        Directory.GetDirectories(Path.Combine(RepoPaths.Root(), "deploy", "kubernetes", "overlays")).Select(d => Path.GetFileName(d)).Order();

    public static TheoryData<string> Overlays() => new(OverlayNames());

    [Fact]
    public void There_is_an_overlay_for_postgres_and_one_for_azure_tables()
    {
        var overlays = OverlayNames().ToList();
        Assert.Contains("postgres", overlays);
        Assert.Contains("azure-tables", overlays);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Probes_call_the_health_endpoints_on_the_port_the_node_listens_on(string overlay)
    {
        var rendered = await Render(overlay);
        foreach (var deployment in rendered.Deployments)
        {
            var container = Container(deployment);
            var env = Environment(rendered, container);
            var httpPort = new Uri(env["Urls"].Replace("+", "localhost", StringComparison.Ordinal)).Port;
            Assert.Equal(httpPort, Port(container, "http"));

            Assert.Equal(ProbePaths.Ready, Probe(container, "readinessProbe", out var readyPort));
            Assert.Equal(ProbePaths.Live, Probe(container, "livenessProbe", out var livePort));
            Assert.Equal(ProbePaths.Live, Probe(container, "startupProbe", out var startPort));
            Assert.All(new[] { readyPort, livePort, startPort }, p => Assert.Equal(httpPort, ResolvePort(container, p)));
            Assert.NotNull(Map(Map(container, "resources"), "requests"));
        }

        // The Service reaches the pods' HTTP port, and every pod that serves HTTP is behind it.
        var service = Assert.Single(rendered.OfKind("Service"));
        var port = Assert.Single(List(Map(service, "spec"), "ports"));
        var selector = Map(Map(service, "spec"), "selector")!;
        foreach (var deployment in rendered.Deployments)
        {
            Assert.Equal(Port(Container(deployment), "http"), ResolvePort(Container(deployment), Get(port, "targetPort")));
            Assert.True(Selects(selector, PodLabels(deployment)), $"the Service does not select {Name(deployment)}'s pods");
        }
        // SignalR's negotiate and the connection after it must reach one pod.
        Assert.Equal("ClientIP", Get(Map(service, "spec"), "sessionAffinity"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Silos_listen_and_identify_themselves_as_the_node_and_orleans_kubernetes_hosting_expect(string overlay)
    {
        var rendered = await Render(overlay);
        var silo = rendered.Silo;
        var container = Container(silo);
        var env = Environment(rendered, container);
        var defaults = new ClusterSettings();

        Assert.Equal(env.TryGetValue("Seqline__Cluster__SiloPort", out var sp) ? int.Parse(sp) : defaults.SiloPort, Port(container, "silo"));
        Assert.Equal(env.TryGetValue("Seqline__Cluster__GatewayPort", out var gp) ? int.Parse(gp) : defaults.GatewayPort, Port(container, "gateway"));

        // The pod tells Orleans who it is (downward API), and its ids are the ones edge nodes use.
        var fields = List(container, "env").Where(e => Map(Map(e, "valueFrom"), "fieldRef") is not null)
            .ToDictionary(e => Get(e, "name")!, e => Get(Map(Map(e, "valueFrom"), "fieldRef"), "fieldPath"));
        Assert.Equal("metadata.name", fields["POD_NAME"]);
        Assert.Equal("metadata.namespace", fields["POD_NAMESPACE"]);
        Assert.Equal("status.podIP", fields["POD_IP"]);
        var clusterId = env.GetValueOrDefault("Seqline__Cluster__ClusterId", defaults.ClusterId);
        var serviceId = env.GetValueOrDefault("Seqline__Cluster__ServiceId", defaults.ServiceId);
        Assert.Equal(clusterId, env["ORLEANS_CLUSTER_ID"]);
        Assert.Equal(serviceId, env["ORLEANS_SERVICE_ID"]);
        Assert.Equal(clusterId, PodLabels(silo)["orleans/clusterId"]);
        Assert.Equal(serviceId, PodLabels(silo)["orleans/serviceId"]);

        // Long enough for the host to stop the silo gracefully, and a budget for voluntary disruptions.
        var grace = int.Parse(Get(Map(Map(Map(silo, "spec"), "template"), "spec"), "terminationGracePeriodSeconds")!);
        Assert.True(grace > int.Parse(env["DOTNET_shutdownTimeoutSeconds"]), "the pod is killed before the host's shutdown timeout");
        var budget = Assert.Single(rendered.OfKind("PodDisruptionBudget"));
        Assert.True(Selects(Map(Map(Map(budget, "spec"), "selector"), "matchLabels")!, PodLabels(silo)));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task The_silos_service_account_may_do_what_orleans_kubernetes_hosting_does(string overlay)
    {
        var rendered = await Render(overlay);
        var pod = Map(Map(Map(rendered.Silo, "spec"), "template"), "spec")!;
        var account = Get(pod, "serviceAccountName");
        Assert.NotNull(account);
        Assert.NotEqual("false", Get(pod, "automountServiceAccountToken"));
        var ns = Get(Map(rendered.Silo, "metadata"), "namespace");

        var binding = Assert.Single(rendered.OfKind("RoleBinding"), b => List(b, "subjects").Any(s =>
            Get(s, "kind") == "ServiceAccount" && Get(s, "name") == account && (Get(s, "namespace") ?? ns) == ns));
        Assert.Equal("Role", Get(Map(binding, "roleRef"), "kind"));
        var role = Assert.Single(rendered.OfKind("Role"), r => Name(r) == Get(Map(binding, "roleRef"), "name"));
        Assert.Equal(ns, Get(Map(role, "metadata"), "namespace"));
        var podRules = List(role, "rules").Where(r => Strings(r, "apiGroups").Contains("") && Strings(r, "resources").Contains("pods")).ToList();
        foreach (var verb in KubernetesHostingVerbs)
            Assert.True(podRules.Any(r => Strings(r, "verbs").Contains(verb)), $"the role lets the silos' account not {verb} pods");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Every_setting_a_node_needs_outside_development_is_provided_and_secrets_come_from_a_secret(string overlay)
    {
        var rendered = await Render(overlay);
        var guide = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root(), "docs", "deploy.md"));
        foreach (var deployment in rendered.Deployments)
        {
            var container = Container(deployment);
            var env = Environment(rendered, container);
            Assert.False(env.ContainsKey("ASPNETCORE_ENVIRONMENT") || env.ContainsKey("DOTNET_ENVIRONMENT"), "the pods must run as Production");
            Assert.True(env.TryGetValue("Seqline__Storage__Provider", out var store) && RequiredByStore.ContainsKey(store),
                $"{Name(deployment)} names no cluster store");

            var secretRefs = SecretRefs(container);
            foreach (var setting in RequiredEverywhere.Append(RequiredByStore[store]))
            {
                Assert.True(secretRefs.ContainsKey(setting), $"{Name(deployment)} gets {setting} from no Secret");
                var (secret, key) = secretRefs[setting];
                // The Secret is the operator's; docs/deploy.md's command must create every key the pods read.
                Assert.Matches($@"kubectl\s[^`]*create secret generic {Regex.Escape(secret)}\b[^`]*--from-literal={Regex.Escape(key)}=", guide);
            }
        }
        foreach (var config in rendered.OfKind("ConfigMap"))
            Assert.Empty(StringMap(config, "data").Keys.Intersect(Secrets));
    }

    // --- rendering and reading the objects ---

    private sealed record Rendered(List<Dictionary<object, object>> Objects)
    {
        public IEnumerable<Dictionary<object, object>> OfKind(string kind) => Objects.Where(o => Get(o, "kind") == kind);
        public List<Dictionary<object, object>> Deployments => OfKind("Deployment").ToList();
        public Dictionary<object, object> Silo => Assert.Single(Deployments, d => PodLabels(d).GetValueOrDefault("app.kubernetes.io/component") == "silo");
    }

    // Each overlay is rendered once for all the tests that read it.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<Rendered>>> Renders = new();

    private static Task<Rendered> Render(string overlay) => Renders.GetOrAdd(overlay, o => new Lazy<Task<Rendered>>(() => RenderOnce(o))).Value;

    private static async Task<Rendered> RenderOnce(string overlay)
    {
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "kustomize", Path.Combine(RepoPaths.Root(), "deploy", "kubernetes", "overlays", overlay) }) start.ArgumentList.Add(arg);
        Process kubectl;
        try
        {
            kubectl = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is not installed: bash .ci/test installs Debian's kubernetes-client.", e);
        }
        using (kubectl)
        {
            var output = kubectl.StandardOutput.ReadToEndAsync();
            var errors = kubectl.StandardError.ReadToEndAsync();
            await kubectl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(kubectl.ExitCode == 0, $"kubectl kustomize {overlay} failed: {await errors}");

            var objects = new List<Dictionary<object, object>>();
            var parser = new Parser(new StringReader(await output));
            var yaml = new DeserializerBuilder().Build();
            parser.Consume<StreamStart>();
            while (parser.Accept<DocumentStart>(out _)) objects.Add(yaml.Deserialize<Dictionary<object, object>>(parser));
            Assert.NotEmpty(objects);
            return new Rendered(objects);
        }
    }

    private static Dictionary<object, object>? Map(object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) ? value as Dictionary<object, object> : null;

    private static List<object> List(object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) && value is List<object> list ? list : [];

    private static string? Get(object? node, string key) =>
        node is Dictionary<object, object> map && map.TryGetValue(key, out var value) ? value?.ToString() : null;

    private static List<string> Strings(object? node, string key) => List(node, key).Select(v => v?.ToString() ?? "").ToList();

    private static Dictionary<string, string> StringMap(object? node, string key) =>
        (Map(node, key) ?? []).ToDictionary(p => p.Key.ToString()!, p => p.Value?.ToString() ?? "");

    private static string? Name(object node) => Get(Map(node, "metadata"), "name");

    private static Dictionary<string, string> PodLabels(object deployment) =>
        StringMap(Map(Map(deployment, "spec"), "template")?.GetValueOrDefault("metadata"), "labels");

    private static bool Selects(Dictionary<object, object> selector, Dictionary<string, string> labels) =>
        selector.All(s => labels.TryGetValue(s.Key.ToString()!, out var v) && v == s.Value?.ToString());

    private static Dictionary<object, object> Container(object deployment) =>
        (Dictionary<object, object>)Assert.Single(List(Map(Map(Map(deployment, "spec"), "template"), "spec"), "containers"));

    private static int Port(object container, string name) =>
        int.Parse(Get(Assert.Single(List(container, "ports"), p => Get(p, "name") == name), "containerPort")!);

    private static int ResolvePort(object container, string? port) => int.TryParse(port, out var number) ? number : Port(container, port!);

    private static string? Probe(object container, string probe, out string? port)
    {
        var get = Map(Map(container, probe), "httpGet");
        Assert.True(get is not null, $"no {probe} over HTTP");
        port = Get(get, "port");
        return Get(get, "path");
    }

    /// <summary>The container's environment as the node sees it: literal values, and the ConfigMap's keys (envFrom and configMapKeyRef).</summary>
    private static Dictionary<string, string> Environment(Rendered rendered, object container)
    {
        Dictionary<string, string> ConfigMap(string? name) => StringMap(Assert.Single(rendered.OfKind("ConfigMap"), c => Name(c) == name), "data");
        var env = new Dictionary<string, string>();
        foreach (var source in List(container, "envFrom"))
        {
            if (Map(source, "configMapRef") is { } reference)
                foreach (var (key, value) in ConfigMap(Get(reference, "name"))) env[key] = value;
        }
        foreach (var variable in List(container, "env"))
        {
            var name = Get(variable, "name")!;
            if (Get(variable, "value") is { } value) env[name] = value;
            else if (Map(Map(variable, "valueFrom"), "configMapKeyRef") is { } reference) env[name] = ConfigMap(Get(reference, "name"))[Get(reference, "key")!];
        }
        return env;
    }

    private static Dictionary<string, (string Secret, string Key)> SecretRefs(object container) =>
        List(container, "env").Where(e => Map(Map(e, "valueFrom"), "secretKeyRef") is not null).ToDictionary(
            e => Get(e, "name")!,
            e => (Get(Map(Map(e, "valueFrom"), "secretKeyRef"), "name")!, Get(Map(Map(e, "valueFrom"), "secretKeyRef"), "key")!));
}
