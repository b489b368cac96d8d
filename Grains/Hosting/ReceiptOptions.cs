using Microsoft.Extensions.Options;

namespace Seqline.Hosting;

/// <summary>Receipts others see (configuration section <c>Seqline:Receipts</c>).</summary>
public sealed class ReceiptOptions
{
    public const string Section = "Seqline:Receipts";

    /// <summary>
    /// Groups of up to this many members share read and delivered positions (direct conversations
    /// always, read fan-out never): each move costs one call per member, and in large groups "read by"
    /// says little. At least 2.
    /// </summary>
    public int MaxGroupSize { get; set; } = 100;

    /// <summary>
    /// A conversation sends at most one receipts notice this often, with the newest positions of every
    /// member who moved. A move after a quiet interval goes at once, so only busy conversations wait:
    /// every notice costs a call per member and a push per device, as much as a message. A user's
    /// inbox hands the notices of all the user's conversations to the devices at the same pace.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// While moves keep coming, a conversation's pace of notices doubles from <see cref="Interval"/>
    /// up to this; a pace without a move brings it back. A busy conversation then sends a notice every
    /// 8 s instead of every 2 s (a quarter of the calls and pushes), and a move after a pause still
    /// goes at once. A user's inbox paces its hand-overs the same way. Equal to <see cref="Interval"/>:
    /// a fixed pace. At least <see cref="Interval"/>.
    /// </summary>
    public TimeSpan BusyInterval { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// A conversation with moved positions saves them at most this often (and on deactivation),
    /// as inboxes checkpoint; a crash loses at most this much, which members' next moves restore.
    /// </summary>
    public TimeSpan SaveInterval { get; set; } = TimeSpan.FromSeconds(10);
}

internal sealed class ReceiptOptionsValidator : IValidateOptions<ReceiptOptions>
{
    private const string S = ReceiptOptions.Section;

    public ValidateOptionsResult Validate(string? name, ReceiptOptions o)
    {
        var result = new ValidateOptionsResultBuilder();
        if (o.MaxGroupSize < 2) result.AddError($"{S}:MaxGroupSize must be at least 2; it is {o.MaxGroupSize}.");
        if (o.Interval <= TimeSpan.Zero) result.AddError($"{S}:Interval must be positive; it is {o.Interval}.");
        if (o.BusyInterval < o.Interval) result.AddError($"{S}:BusyInterval must be at least Interval ({o.Interval}); it is {o.BusyInterval}.");
        if (o.SaveInterval <= TimeSpan.Zero) result.AddError($"{S}:SaveInterval must be positive; it is {o.SaveInterval}.");
        return result.Build();
    }
}
