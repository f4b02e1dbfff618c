using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Domain.Persistence;

/// <summary>
/// A compiled EF query, compiled once per model. EF binds a compiled query to the model it first ran with and
/// refuses any other; contexts built from different options (an application's and a test's, say) have different
/// model instances, so each gets its own compilation.
/// </summary>
internal sealed class CompiledPerModel<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = [];

    public TQuery For(DbContext context) => _byModel.GetValue(context.Model, _ => compile());
}
