using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Seqline.Api.Auth;
using Seqline.Tests.Fixtures;
using Microsoft.IdentityModel.Tokens;
using static Seqline.Tests.Fixtures.ApiUser;

namespace Seqline.Tests.Edge;

/// <summary>Production authentication: tokens from an issuer sharing the signing key, and where development tokens exist.</summary>
public sealed class TokenValidationTests : IDisposable
{
    private const string Audience = "seqline-api";
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task With_development_tokens_off_a_token_signed_with_the_key_is_accepted_and_one_for_another_audience_or_issuer_is_401()
    {
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:Auth:DevTokens"] = "false",
            ["Seqline:Auth:Audience"] = Audience,
        });
        var expires = DateTime.UtcNow.AddHours(1);
        var aliceId = Ids.User("alice");
        using var alice = new ApiUser(server, aliceId, TestTokens.Sign(aliceId, SeqlineServer.SigningKey, expires, audience: Audience));
        var id = await alice.CreateGroup(Ids.User("bob"));
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "signed by the issuer")).StatusCode);
        await using var hub = await TestHub.Connect(server, alice.Token);
        Assert.Equal(HubConnectionState.Connected, hub.State);
        var conversationsBefore = await alice.Http.GetStringAsync("api/conversations");

        var refused = new Dictionary<string, string>
        {
            ["another audience"] = TestTokens.Sign(aliceId, SeqlineServer.SigningKey, expires, audience: "someone-else"),
            ["no audience"] = TestTokens.Sign(aliceId, SeqlineServer.SigningKey, expires),
            ["another issuer"] = TestTokens.Sign(aliceId, SeqlineServer.SigningKey, expires, issuer: "impostor", audience: Audience),
        };
        foreach (var (what, token) in refused)
        {
            using var http = server.Http(token);
            var responses = new[]
            {
                await http.PostAsJsonAsync($"api/conversations/{id}/messages", new { clientMsgId = Ids.ClientMsg(), body = "sneaky" }),
                await http.PostAsJsonAsync("api/conversations", new { members = new[] { "bob" } }),
                await http.PostAsJsonAsync($"api/conversations/{id}/read", new { seq = 1 }),
                await http.GetAsync("api/sync"),
                await http.PostAsync("hubs/sync/negotiate?negotiateVersion=1", null),
            };
            Assert.All(responses, r => Assert.True(r.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {r.RequestMessage!.RequestUri} gave {r.StatusCode}"));
        }

        Assert.Equal([1L], await alice.HistorySeqs(id));
        Assert.Equal(conversationsBefore, await alice.Http.GetStringAsync("api/conversations"));
    }

    /// <summary>
    /// An issuer sharing the secret signs with a standard JWT library the standard way: HS256 with the
    /// secret's bytes as the key (its UTF-8 text, or the bytes a base64 secret stands for).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_token_from_a_standard_jwt_library_signed_with_the_shared_secret_is_accepted(bool base64)
    {
        var key = base64 ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes("a-shared-secret-of-at-least-32-bytes!");
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Seqline:Auth:DevTokens"] = "false",
            ["Seqline:Auth:SigningKey"] = base64 ? null : Encoding.UTF8.GetString(key),
            ["Seqline:Auth:SigningKeyBase64"] = base64 ? Convert.ToBase64String(key) : null,
        });
        var aliceId = Ids.User("alice");
        var handler = new JwtSecurityTokenHandler();
        var token = handler.WriteToken(handler.CreateJwtSecurityToken(
            issuer: AuthOptions.DefaultIssuer,
            subject: new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, aliceId)]),
            notBefore: DateTime.UtcNow.AddMinutes(-1),
            expires: DateTime.UtcNow.AddHours(1),
            signingCredentials: new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256)));
        using var alice = new ApiUser(server, aliceId, token);

        var id = await alice.CreateGroup(Ids.User("bob"));
        Assert.Equal(HttpStatusCode.Created, (await alice.Send(id, "signed by a standard library")).StatusCode);
        await using var hub = await TestHub.Connect(server, token);
        Assert.Equal(HubConnectionState.Connected, hub.State);

        // The same claims signed with a hash of the secret, or another secret, are refused.
        foreach (var wrong in new[] { SHA256.HashData(key), RandomNumberGenerator.GetBytes(32) })
        {
            using var forged = server.Http(handler.WriteToken(handler.CreateJwtSecurityToken(
                issuer: AuthOptions.DefaultIssuer,
                subject: new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, aliceId)]),
                expires: DateTime.UtcNow.AddHours(1),
                signingCredentials: new SigningCredentials(new SymmetricSecurityKey(wrong), SecurityAlgorithms.HmacSha256))));
            Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("api/conversations")).StatusCode);
        }
    }

    [Theory]
    [InlineData("Development", HttpStatusCode.OK)]
    [InlineData("Production", HttpStatusCode.NotFound)]
    public async Task Development_tokens_follow_the_environment_when_not_configured(string environment, HttpStatusCode expected)
    {
        await using var server = await SeqlineServer.StartNode(_data.Path, settings: new Dictionary<string, string?>
        {
            ["environment"] = environment,
            ["Seqline:Auth:DevTokens"] = null,
        });
        using var http = server.Http();

        var response = await http.PostAsJsonAsync("api/dev/token", new { userId = "alice" });

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            using var alice = new ApiUser(server, "alice", (await Json(response)).GetProperty("token").GetString()!);
            Assert.Equal(HttpStatusCode.OK, (await alice.Http.GetAsync("api/conversations")).StatusCode);
        }
    }

    public void Dispose() => _data.Dispose();
}
