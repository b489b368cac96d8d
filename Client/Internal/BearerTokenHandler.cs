using System.Net.Http.Headers;

namespace Seqline.Client.Internal;

// Asks for the token on every request rather than once, so a provider that refreshes expiring tokens just works.
internal sealed class BearerTokenHandler(Func<CancellationToken, ValueTask<string>> tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens(cancellationToken).ConfigureAwait(false));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
