using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// A meter factory of a test's own and a listener to one of its instruments. Nodes of tests
/// running beside this one record the same instrument names in the same process, so only
/// measurements of meters from <see cref="Meters"/> reach <paramref name="measured"/>.
/// </summary>
public sealed class OwnMeasurements<T> : IDisposable where T : struct
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();

    public OwnMeasurements(string instrumentName, MeasurementCallback<T> measured)
    {
        Meters = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == instrumentName && instrument.Meter.Scope == Meters) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback(measured);
        _listener.Start();
    }

    /// <summary>The factory to give to what is measured.</summary>
    public IMeterFactory Meters { get; }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
