using Seqline.Push;

namespace Seqline.Api.Push;

/// <summary>
/// Sees every push before it goes to the devices. None is registered normally; tests register one
/// that drops pushes, to show that clients recover by pulling.
/// </summary>
public interface IPushInterceptor
{
    bool ShouldDeliver(InboxPush push);
}
