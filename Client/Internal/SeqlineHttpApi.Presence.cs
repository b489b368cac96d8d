using System.Net.Http.Json;

namespace Seqline.Client.Internal;

// Presence and settings routes.
internal sealed partial class SeqlineHttpApi
{
    private static PresenceJsonContext PresenceJson => PresenceJsonContext.Default;

    public Task<UserPresence> GetPresenceAsync(string userId, CancellationToken cancellationToken) =>
        GetAsync($"api/users/{Uri.EscapeDataString(userId)}/presence", PresenceJson.UserPresence, cancellationToken);

    public Task<UserSettings> GetSettingsAsync(CancellationToken cancellationToken) =>
        GetAsync("api/me/settings", PresenceJson.UserSettings, cancellationToken);

    public async Task<UserSettings> PutSettingsAsync(SettingsChange settings, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsJsonAsync("api/me/settings", settings, PresenceJson.SettingsChange, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, PresenceJson.UserSettings, cancellationToken).ConfigureAwait(false);
    }
}
