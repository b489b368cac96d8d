using Seqline.Silo;

try
{
    SeqlineNode.Build(args).Run();
    return 0;
}
catch (Exception error) when (StartupFailure.Explain(error) is { } reason)
{
    // A setting the operator must fix is one line to read, not a crash with a stack trace.
    Console.Error.WriteLine($"Seqline cannot start: {reason}");
    return 1;
}
