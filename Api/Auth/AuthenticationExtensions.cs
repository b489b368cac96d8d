using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Seqline.Api.Auth;

public static class AuthenticationExtensions
{
    /// <summary>JWT bearer authentication as <see cref="AuthOptions"/> describes it.</summary>
    public static WebApplicationBuilder AddSeqlineAuthentication(this WebApplicationBuilder builder)
    {
        var auth = builder.Configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new();
        auth.DevTokens ??= builder.Environment.IsDevelopment();
        builder.Services.Configure<AuthOptions>(o =>
        {
            builder.Configuration.GetSection(AuthOptions.Section).Bind(o);
            o.DevTokens = auth.DevTokens;
        });
        if (string.IsNullOrEmpty(auth.Authority) && string.IsNullOrEmpty(auth.SigningKey) && auth.DevTokens != true)
        {
            throw new InvalidOperationException(
                "No way to validate tokens: set Seqline:Auth:Authority (an OpenID Connect issuer) or Seqline:Auth:SigningKey, " +
                "or turn on development tokens with Seqline:Auth:DevTokens=true.");
        }

        builder.Services.AddSingleton<DevTokenIssuer>();
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.Authority = string.IsNullOrEmpty(auth.Authority) ? null : auth.Authority;
            jwt.Audience = auth.Audience;
            jwt.TokenValidationParameters.NameClaimType = JwtRegisteredClaimNames.Sub;
            jwt.TokenValidationParameters.ValidateAudience = !string.IsNullOrEmpty(auth.Audience);
            if (string.IsNullOrEmpty(auth.Authority))
            {
                jwt.TokenValidationParameters.ValidIssuer = auth.Issuer;
                jwt.TokenValidationParameters.IssuerSigningKey = SigningKeys.From(auth.SigningKey ?? AuthOptions.DevelopmentSigningKey);
            }
            jwt.Events = new JwtBearerEvents
            {
                // Browsers cannot set headers on WebSockets, so SignalR sends the token in the query.
                OnMessageReceived = context =>
                {
                    if (context.HttpContext.Request.Path.StartsWithSegments("/hubs")
                        && context.Request.Query["access_token"] is { Count: > 0 } token)
                    {
                        context.Token = token;
                    }
                    return Task.CompletedTask;
                },
                OnTokenValidated = context =>
                {
                    if (!Identifiers.IsValidId(context.Principal?.FindFirstValue(JwtRegisteredClaimNames.Sub)))
                        context.Fail("The token's sub claim is not a valid user id.");
                    return Task.CompletedTask;
                },
            };
        });
        return builder;
    }

    /// <summary>The caller's user id: the validated <c>sub</c> claim.</summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? throw new InvalidOperationException("Unauthenticated caller.");
}
