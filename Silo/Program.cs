using Seqline.Silo;

SeqlineNode.Build(args).Run();
