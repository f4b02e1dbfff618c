using Domain.Api;

// dotnet run --project tools/Domain.Api -- [--connection "<conn>"] [--urls http://127.0.0.1:5080]
// Settings: ConnectionStrings__Domain or DATABASE_URL (else the local database of `domain up`), Supabase__Url,
// Supabase__JwtSecret (legacy HS256), Supabase__JwksUrl, Supabase__AllowServiceRole.
var builder = WebApplication.CreateBuilder(args);
var database = await ApiDatabase.ConfigureAsync(builder.Configuration);
builder.AddDomainApi();

var app = builder.Build();
app.Logger.LogInformation("Database: {Database}", database);
app.MapDomainApi();
await app.RunAsync();
