using System.Text.Json.Serialization;
using CsCheck;

namespace Seqline.Tests.Simulation;

/// <summary>
/// One simulated stretch of a node's life: the users and conversations it starts with, how often
/// storage fails, and the steps to take. Numbers that name a user, a conversation or an earlier
/// message are taken modulo what exists when the step runs, so every generated schedule is valid
/// and a shrunk one still is.
/// </summary>
public sealed record Schedule(int Users, int[][] Conversations, int FaultPercent, int FaultSeed, Step[] Steps)
{
    /// <summary>
    /// 3 to 6 users, 1 to 3 conversations of 1 to 4 of them (the first listed is the creator),
    /// faults on 0 to 12% of writes, 10 to 60 steps.
    /// </summary>
    public static readonly Gen<Schedule> Gen =
        CsCheck.Gen.Select(
            CsCheck.Gen.Int[3, 6],
            CsCheck.Gen.Int[0, 5].Array[1, 4].Array[1, 3],
            CsCheck.Gen.Frequency((1, CsCheck.Gen.Const(0)), (3, CsCheck.Gen.Int[1, 12])),
            CsCheck.Gen.Int,
            Step.Gen.Array[10, 60],
            (users, conversations, faults, seed, steps) => new Schedule(users, conversations, faults, seed, steps));

    public override string ToString() =>
        $"{Users} users, conversations [{string.Join(" ", Conversations.Select(c => string.Join(",", c)))}], " +
        $"{FaultPercent}% faults (seed {FaultSeed}), {Steps.Length} steps: {string.Join("; ", Steps.Select(s => s.ToString()))}";
}

/// <summary>One step of a schedule.</summary>
[JsonPolymorphic]
[JsonDerivedType(typeof(Send), "send")]
[JsonDerivedType(typeof(ChangeMembers), "change")]
[JsonDerivedType(typeof(MarkRead), "read")]
[JsonDerivedType(typeof(Recall), "recall")]
[JsonDerivedType(typeof(Sync), "sync")]
[JsonDerivedType(typeof(Connect), "connect")]
[JsonDerivedType(typeof(Deactivate), "deactivate")]
[JsonDerivedType(typeof(Together), "together")]
public abstract record Step
{
    public static readonly Gen<Step> Single = CsCheck.Gen.Frequency(
        (30, CsCheck.Gen.Select(CsCheck.Gen.Int[0, 5], CsCheck.Gen.Int[0, 2], CsCheck.Gen.Frequency((4, CsCheck.Gen.Const(-1)), (1, CsCheck.Gen.Int[0, 5])),
            (u, c, retry) => (Step)new Send(u, c, retry))),
        (8, CsCheck.Gen.Select(CsCheck.Gen.Int[0, 5], CsCheck.Gen.Int[0, 2], CsCheck.Gen.Int[0, 5].Array[0, 3], CsCheck.Gen.Int[0, 5].Array[0, 2],
            (actor, c, add, remove) => (Step)new ChangeMembers(actor, c, add, remove))),
        (4, CsCheck.Gen.Select(CsCheck.Gen.Int[0, 5], CsCheck.Gen.Int[0, 2], (u, c) => (Step)new MarkRead(u, c))),
        (3, CsCheck.Gen.Select(CsCheck.Gen.Int[0, 5], CsCheck.Gen.Int[0, 2], CsCheck.Gen.Int[0, 20], (u, c, pick) => (Step)new Recall(u, c, pick))),
        (12, CsCheck.Gen.Select(CsCheck.Gen.Int[0, 5], CsCheck.Gen.Int[0, 1], CsCheck.Gen.Int[1, 8], (u, d, limit) => (Step)new Sync(u, d, limit))),
        (4, CsCheck.Gen.Select(CsCheck.Gen.Int[0, 5], CsCheck.Gen.Bool, (u, on) => (Step)new Connect(u, on))),
        (5, CsCheck.Gen.Select(CsCheck.Gen.Bool, CsCheck.Gen.Int[0, 5], CsCheck.Gen.Bool, (inbox, i, crash) => (Step)new Deactivate(inbox, i, crash))));

    /// <summary>Mostly single steps, sometimes two to four run at once.</summary>
    public static readonly Gen<Step> Gen = CsCheck.Gen.Frequency(
        (6, Single),
        (1, Single.Array[2, 4].Select(steps => (Step)new Together(steps))));
}

/// <summary>A user sends to a conversation: a new message, or (Retry ≥ 0) the Retry-th latest of theirs again.</summary>
public sealed record Send(int User, int Conversation, int Retry) : Step;

public sealed record ChangeMembers(int Actor, int Conversation, int[] Add, int[] Remove) : Step
{
    public override string ToString() => $"ChangeMembers {{ Actor = {Actor}, Conversation = {Conversation}, Add = [{string.Join(",", Add)}], Remove = [{string.Join(",", Remove)}] }}";
}

/// <summary>A user reads a conversation up to what their first device has.</summary>
public sealed record MarkRead(int User, int Conversation) : Step;

/// <summary>A user recalls one of their messages in a conversation.</summary>
public sealed record Recall(int User, int Conversation, int Pick) : Step;

/// <summary>A device pulls until it has everything, <see cref="Limit"/> events a page.</summary>
public sealed record Sync(int User, int Device, int Limit) : Step;

/// <summary>A user's devices go online (push on) or offline.</summary>
public sealed record Connect(int User, bool On) : Step;

/// <summary>An inbox or a conversation is deactivated, gracefully or (Crash) losing what it had not written.</summary>
public sealed record Deactivate(bool Inbox, int Index, bool Crash) : Step;

public sealed record Together(Step[] Steps) : Step
{
    public override string ToString() => $"Together [{string.Join(", ", Steps.Select(s => s.ToString()))}]";
}
