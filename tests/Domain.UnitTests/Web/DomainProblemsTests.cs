using Domain.Application.Common;
using Domain.AspNetCore.Problems;
using Domain.Common;
using Domain.Persistence.Errors;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace Domain.UnitTests.Web;

public sealed class DomainProblemsTests
{
    public static TheoryData<Exception, int> Mapped => new()
    {
        { new NotFoundException("Session", Guid.CreateVersion7()), 404 },
        { new DomainException("session.archived", "The session is archived."), 409 },
        { new ConcurrencyConflictException("changed"), 409 },
        { new UniqueViolationException("duplicate", "ux_something"), 409 },
        { new ReferenceViolationException("missing parent", "fk_parent"), 409 },
        { new ConstraintViolationException("bad", "23514", "ck_value"), 422 },
        { new RlsViolationException("refused"), 403 },
        { new ValidationException("no user"), 422 },
        { new NpgsqlException("connection refused", new System.Net.Sockets.SocketException(111)), 503 },
        { new TimeoutException(), 503 },
    };

    [Theory]
    [MemberData(nameof(Mapped))]
    public void LayerExceptions_MapToTheirStatus(Exception exception, int status)
    {
        Assert.Equal(status, DomainProblems.For(exception)?.Status);
    }

    [Fact]
    public void OtherExceptions_AreLeftToTheHost()
    {
        Assert.Null(DomainProblems.For(new InvalidOperationException("a bug")));
        Assert.Null(DomainProblems.For(new NpgsqlException("syntax")));
    }

    [Fact]
    public void ValidationErrors_AreGroupedByField()
    {
        var problem = DomainProblems.For(new ValidationException(
        [
            new ValidationFailure("Title", "'Title' must not be empty."),
            new ValidationFailure("Title", "'Title' must not be blank."),
            new ValidationFailure("Ir", "'Ir' must be a JSON object."),
        ]));

        var validation = Assert.IsType<HttpValidationProblemDetails>(problem);
        Assert.Equal(StatusCodes.Status422UnprocessableEntity, validation.Status);
        Assert.Equal(2, validation.Errors["Title"].Length);
        Assert.Single(validation.Errors["Ir"]);
    }

    [Fact]
    public void NotFound_SaysItMayBelongToAnotherUser_AndConflictsCarryTheirCode()
    {
        Assert.Contains("another user", DomainProblems.For(new NotFoundException("Session", Guid.CreateVersion7()))!.Detail, StringComparison.Ordinal);
        Assert.Equal("session.archived", DomainProblems.For(new DomainException("session.archived", "archived"))!.Extensions["code"]);
    }
}
