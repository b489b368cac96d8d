using System.Net;
using System.Security.Claims;
using Seqline.Tests.Fixtures;

namespace Seqline.Tests.Operations;

/// <summary>The Orleans Dashboard: absent unless enabled, and then only for tokens with the operator role.</summary>
public sealed class DashboardTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task The_dashboard_is_not_served_by_default()
    {
        await using var node = await SeqlineServer.StartNode(_data.Path);
        using var http = node.Http(OperatorToken("root", "seqline-operator"));
        foreach (var path in new[] { "dashboard", "dashboard/", "dashboard/ClusterStats" })
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task When_enabled_it_asks_for_a_token_then_for_the_operator_role()
    {
        await using var node = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:Dashboard:Enabled"] = "true",
        });
        using var anonymous = node.Http();
        using var user = node.Http(await node.Token(Ids.User("alice")));
        using var otherRole = node.Http(OperatorToken(Ids.User("eve"), "seqline-auditor"));
        using var operatorHttp = node.Http(OperatorToken(Ids.User("olga"), "seqline-operator"));

        foreach (var path in new[] { "dashboard/", "dashboard/ClusterStats" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await user.GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await otherRole.GetAsync(path)).StatusCode);
        }

        var page = await operatorHttp.GetAsync("dashboard/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var stats = await operatorHttp.GetAsync("dashboard/ClusterStats");
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal("application/json", stats.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_role_claim_and_path_are_configurable()
    {
        await using var node = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:Dashboard:Enabled"] = "true",
            ["Seqline:Dashboard:Path"] = "/ops/orleans",
            ["Seqline:Dashboard:RoleClaim"] = "roles",
            ["Seqline:Dashboard:Role"] = "Seqline.Operator",
        });
        using var roleClaim = node.Http(OperatorToken(Ids.User("olga"), "Seqline.Operator"));
        using var rolesClaim = node.Http(OperatorToken(Ids.User("olga"), "Seqline.Operator", claim: "roles"));

        Assert.Equal(HttpStatusCode.Forbidden, (await roleClaim.GetAsync("ops/orleans/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await rolesClaim.GetAsync("ops/orleans/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await rolesClaim.GetAsync("dashboard/")).StatusCode);
    }

    private static string OperatorToken(string userId, string role, string claim = "role") =>
        TestTokens.Sign(userId, SeqlineServer.SigningKey, DateTime.UtcNow.AddHours(1), claims: [new Claim(claim, role)]);

    public void Dispose() => _data.Dispose();
}
