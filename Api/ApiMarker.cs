namespace Seqline.Api;
