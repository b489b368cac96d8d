using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Seqline.Tests.Fixtures;

/// <summary>
/// An <see cref="IGrainFactory"/> that outlives Orleans clients: every call, and every call on a grain
/// reference it handed out, goes through whichever client it was last switched to. A grain reference
/// is bound to the client that made it, so objects that hold one (a <see cref="TestDevice"/> and its
/// cursor) keep working across a node restart only through this indirection.
/// </summary>
public sealed class SwitchableGrainFactory
{
    private IGrainFactory? _current;

    public SwitchableGrainFactory() => Factory = FactoryProxy.Create(this);

    /// <summary>Hand this to whatever should follow the switches.</summary>
    public IGrainFactory Factory { get; }

    public void SwitchTo(IGrainFactory client) => Volatile.Write(ref _current, client);

    private IGrainFactory Current => Volatile.Read(ref _current) ?? throw new InvalidOperationException("No client to call through yet.");

    private static object? Forward(MethodInfo method, object target, object?[]? args)
    {
        try
        {
            return method.Invoke(target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw; // unreachable
        }
    }

    // DispatchProxy needs non-sealed proxy types with a parameterless constructor.
    public class FactoryProxy : DispatchProxy
    {
        private SwitchableGrainFactory _owner = null!;

        internal static IGrainFactory Create(SwitchableGrainFactory owner)
        {
            var proxy = DispatchProxy.Create<IGrainFactory, FactoryProxy>();
            ((FactoryProxy)(object)proxy)._owner = owner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(method);
            // GetGrain: a reference that looks the grain up again, through the current client, on every call.
            if (method.Name == nameof(IGrainFactory.GetGrain) && method.ReturnType.IsInterface)
                return GrainProxy.Create(method.ReturnType, () => Forward(method, _owner.Current, args)!);
            return Forward(method, _owner.Current, args);
        }
    }

    public class GrainProxy : DispatchProxy
    {
        private Func<object> _resolve = null!;

        internal static object Create(Type grainInterface, Func<object> resolve)
        {
            var proxy = (GrainProxy)DispatchProxy.Create(grainInterface, typeof(GrainProxy));
            proxy._resolve = resolve;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(method);
            return Forward(method, _resolve(), args);
        }
    }
}
