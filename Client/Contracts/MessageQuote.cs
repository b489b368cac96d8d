namespace Seqline.Client;

/// <summary>What a reply shows of the message it answers, copied by the server when the reply was sent.</summary>
/// <param name="SenderId">Who sent the original.</param>
/// <param name="Snippet">The start of its text (at most 100 characters, "…" when cut); empty when it was recalled.</param>
/// <param name="ContentType">Its content type, when not text (e.g. show "photo").</param>
/// <param name="Recalled">The original had been recalled before the reply was sent.</param>
public sealed record MessageQuote(string SenderId, string Snippet, string? ContentType = null, bool Recalled = false);
