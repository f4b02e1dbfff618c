using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Domain.Benchmarks;

/// <summary>
/// <c>--probe N</c>: runs every benchmark method of the selected scenarios N times in a plain loop and prints the
/// mean. No statistics: a quick way to compare variants while looking for where time goes. The scenario's
/// <c>[GlobalSetup]</c>/<c>[GlobalCleanup]</c> run around it and <c>[IterationSetup]</c>/<c>[IterationCleanup]</c>
/// around each loop, as BenchmarkDotNet would.
/// </summary>
internal static class Probe
{
    public static async Task RunAsync(IEnumerable<Type> scenarios, int count)
    {
        foreach (var type in scenarios)
        {
            var instance = Activator.CreateInstance(type)!;
            await InvokeAsync<GlobalSetupAttribute>(instance);
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                async Task Call()
                {
                    switch (method.Invoke(instance, null))
                    {
                        case Task task:
                            await task;
                            break;
                        case ValueTask valueTask:
                            await valueTask;
                            break;
                    }
                }

                await InvokeAsync<IterationSetupAttribute>(instance);
                for (var i = 0; i < Math.Max(10, count / 5); i++)
                {
                    await Call();
                }

                await InvokeAsync<IterationCleanupAttribute>(instance);
                await InvokeAsync<IterationSetupAttribute>(instance);
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < count; i++)
                {
                    await Call();
                }

                var elapsed = watch.Elapsed;
                await InvokeAsync<IterationCleanupAttribute>(instance);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type.Name,-16} {method.Name,-24} {elapsed.TotalMicroseconds / count,10:N1} µs"));
            }

            await InvokeAsync<GlobalCleanupAttribute>(instance);
        }
    }

    private static async Task InvokeAsync<TAttribute>(object instance)
        where TAttribute : Attribute
    {
        foreach (var method in instance.GetType().GetMethods().Where(m => m.GetCustomAttribute<TAttribute>() is not null))
        {
            if (method.Invoke(instance, null) is Task task)
            {
                await task;
            }
        }
    }
}
