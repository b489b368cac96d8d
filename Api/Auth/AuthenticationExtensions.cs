using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Seqline.Api.Auth;

public static class AuthenticationExtensions
{
    /// <summary>JWT bearer authentication as <see cref="AuthOptions"/> describes it, checked at start.</summary>
    public static WebApplicationBuilder AddSeqlineAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(builder.Configuration, AuthOptions.Section)
            .PostConfigure<IHostEnvironment>((auth, environment) =>
            {
                auth.DevTokens ??= environment.IsDevelopment();
                // The published key serves only a developer's machine; elsewhere the validator asks for a secret.
                if (environment.IsDevelopment() && SigningKeys.Bytes(auth) is null && string.IsNullOrEmpty(auth.Authority))
                    auth.SigningKey = AuthOptions.DevelopmentSigningKey;
            });

        services.AddSingleton<DevTokenIssuer>();
        services.AddAuthorization();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // Read from the validated options when the first token is checked, not while the host is built.
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>((jwt, options) =>
        {
            var auth = options.Value;
            jwt.MapInboundClaims = false;
            jwt.Authority = string.IsNullOrEmpty(auth.Authority) ? null : auth.Authority;
            jwt.Audience = auth.Audience;
            jwt.TokenValidationParameters.NameClaimType = JwtRegisteredClaimNames.Sub;
            jwt.TokenValidationParameters.ValidateAudience = !string.IsNullOrEmpty(auth.Audience);
            if (string.IsNullOrEmpty(auth.Authority))
            {
                jwt.TokenValidationParameters.ValidIssuer = auth.Issuer;
                jwt.TokenValidationParameters.IssuerSigningKey = SigningKeys.From(auth);
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
