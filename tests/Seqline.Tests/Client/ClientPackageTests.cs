using System.Diagnostics;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Client;

/// <summary>The client library packs into a NuGet package a stranger can use: named, versioned, licensed, traceable to its source, with a README that stands on its own.</summary>
public sealed partial class ClientPackageTests : IDisposable
{
    private readonly TempDirectory _output = new();

    [Fact]
    public async Task The_client_packs_with_licence_version_repository_and_a_readme_without_dead_references()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug"; // bin/<Configuration>/net10.0/ (a trailing slash: the parent is the configuration)
        var pack = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "pack", Path.Combine(RepoPaths.Root(), "Client", "Client.csproj"), "--no-build", "-c", configuration, "-o", _output.Path, "-nologo" })
            pack.ArgumentList.Add(arg);
        using var process = Process.Start(pack)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.True(process.ExitCode == 0, $"dotnet pack failed:{Environment.NewLine}{await output}{await errors}");

        var package = Assert.Single(Directory.GetFiles(_output.Path, "Seqline.Client.*.nupkg"));
        using var zip = ZipFile.OpenRead(package);
        var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");

        Assert.Equal("Seqline.Client", Field("id"));
        Assert.Matches(@"^\d+\.\d+\.\d+", Field("version"));
        Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");
        Assert.Equal("README.md", Field("readme"));
        Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/Seqline.Client.dll");
        Assert.Contains(zip.Entries, e => e.FullName == "lib/net10.0/Seqline.Client.xml");

        // The README travels alone: a link or a file name relative to the repository leads nowhere.
        using var reader = new StreamReader(zip.GetEntry("README.md")!.Open());
        var readme = await reader.ReadToEndAsync();
        Assert.Contains("AddSeqlineClient", readme);
        Assert.Empty(RelativeLinks().Matches(readme).Select(m => m.Value));
        Assert.Empty(FileNames().Matches(readme).Select(m => m.Value));
    }

    // Markdown links that are not absolute URLs.
    [GeneratedRegex(@"\]\((?!https?://)[^)]*\)")]
    private static partial Regex RelativeLinks();

    // Names of files of the repository (PROTOCOL.md, docs/api.md, ../README.md).
    [GeneratedRegex(@"[\w./-]+\.md\b")]
    private static partial Regex FileNames();

    public void Dispose() => _output.Dispose();
}
