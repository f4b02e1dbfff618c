using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Domain.Benchmarks;

/// <summary>
/// <c>--probe N</c>: runs every benchmark method of the selected scenarios N times in a plain loop and prints the
/// mean. No statistics: a quick way to compare variants while looking for where time goes.
/// </summary>
internal static class Probe
{
    public static async Task RunAsync(IEnumerable<Type> scenarios, int count)
    {
        foreach (var type in scenarios)
        {
            var instance = Activator.CreateInstance(type)!;
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                async Task Call() => await (Task)method.Invoke(instance, null)!;
                for (var i = 0; i < Math.Max(10, count / 5); i++)
                {
                    await Call();
                }

                var watch = Stopwatch.StartNew();
                for (var i = 0; i < count; i++)
                {
                    await Call();
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type.Name,-16} {method.Name,-24} {watch.Elapsed.TotalMicroseconds / count,10:N1} µs"));
            }
        }
    }
}
