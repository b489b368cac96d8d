using Orleans.Runtime;

namespace Seqline;

/// <summary>
/// References to string-keyed grains without Orleans' lookup of the interface on every call.
/// <see cref="IGrainFactory.GetGrain{TGrainInterface}(string, string?)"/> works out the interface's
/// grain type each time: it reads the interface's attributes and formats its name, which was about
/// 5% of everything a node allocated per send in the fan-out's allocation profile
/// (docs/benchmarks.md). Here that is done once per interface and factory; each reference is then
/// just its key and the proxy. The reference is the one <c>GetGrain</c> gives: the same grain id,
/// interface and proxy type.
/// </summary>
public static class GrainReferences
{
    public static TGrainInterface Reference<TGrainInterface>(this IGrainFactory grains, string key)
        where TGrainInterface : IGrainWithStringKey
    {
        var resolved = Resolved<TGrainInterface>.Last;
        // A process with several silos or clients (tests, an application embedding two) swaps the
        // cached factory back and forth: each swap costs one GetGrain, as every call did before.
        if (resolved is null || !ReferenceEquals(resolved.Factory, grains))
        {
            var sample = (GrainReference)(object)grains.GetGrain<TGrainInterface>(key);
            Resolved<TGrainInterface>.Last = new Resolution(grains, sample.GrainId.Type, sample.InterfaceType);
            return (TGrainInterface)(object)sample;
        }
        return (TGrainInterface)grains.GetGrain(GrainId.Create(resolved.GrainType, key), resolved.InterfaceType);
    }

    private sealed record Resolution(IGrainFactory Factory, GrainType GrainType, GrainInterfaceType InterfaceType);

    // One slot per interface; written whole, so a reader sees one resolution or another, never a mix.
    private static class Resolved<TGrainInterface>
    {
        public static Resolution? Last;
    }
}
